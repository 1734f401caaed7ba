// Cuts a byte stream (ffmpeg's stdout) into fixed-size records — a video frame, a block of audio
// samples — each in a fresh buffer, so a consumer may keep one while the next is read.

/**
 * Yields `recordBytes`-sized records from `source`. A short last record is yielded only with
 * `keepPartial` (audio ends where it ends; a partial video frame is garbage).
 */
export async function* fixedSizeRecords(source: AsyncIterable<Buffer>, recordBytes: number, keepPartial = false): AsyncGenerator<Uint8Array> {
  let record = new Uint8Array(recordBytes);
  let filled = 0;
  for await (const chunk of source) {
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(recordBytes - filled, chunk.length - offset);
      record.set(chunk.subarray(offset, offset + take), filled);
      filled += take;
      offset += take;
      if (filled === recordBytes) {
        yield record;
        record = new Uint8Array(recordBytes);
        filled = 0;
      }
    }
  }
  if (keepPartial && filled > 0) yield record.subarray(0, filled);
}
