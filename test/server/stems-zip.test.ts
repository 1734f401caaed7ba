// A job scored with the option stems offers its stems as one zip (result kind 'stems'), streamed by
// the server: downloaded over HTTP, unzipped (yauzl), every entry is a WAV of the mix's length, one
// per role, byte for byte the stem the job wrote. A job without stems has no such result (404).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fromBuffer, type Entry, type ZipFile } from 'yauzl';
import { STEM_ROLES } from '../../src/render/stems.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { syntheticClip, temporaryFolder } from '../helpers.js';
import { upload, waitForJob, type Job } from './server-helpers.js';

describe('v2m serve: stems as one zip', () => {
  let server: RunningServer;
  let clip: string;
  before(async () => {
    const sandbox = temporaryFolder('v2m-stems-zip-');
    clip = syntheticClip(path.join(sandbox, 'clip.mp4'), { seconds: 3, size: '160x90', rate: 12 });
    server = await startServer({ port: 0, dataFolder: path.join(sandbox, 'data'), concurrency: 2 });
  });
  after(() => server.close());

  test('a job with stems: the zip holds one WAV per role, each the length of the mix and the same bytes as on disk', { timeout: 240_000 }, async () => {
    const [withStems, without] = await Promise.all(
      ([{ stems: 'true' }, {}] as Array<Record<string, string>>).map(async (fields, index) => {
        const response = await upload(server.url, clip, { faces: 'false', ...fields }, `song ${index}.mp4`);
        assert.equal(response.status, 202, await response.clone().text());
        return waitForJob(server.url, ((await response.json()) as Job).id, 200_000);
      }),
    );
    assert.equal(withStems!.state, 'done', String(withStems!.error));
    assert.equal(without!.state, 'done', String(without!.error));
    assert.equal(withStems!.options.stems, true);
    assert.equal(withStems!.results!.stems, `/jobs/${withStems!.id}/result/stems`);
    assert.equal(without!.results!.stems, undefined, 'no stems result for a job without stems');
    assert.equal((await fetch(`${server.url}/jobs/${without!.id}/result/stems`)).status, 404);

    const response = await fetch(`${server.url}${withStems!.results!.stems}`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/zip');
    assert.match(response.headers.get('content-disposition')!, /^attachment; filename="song 0\.v2m\.stems\.zip"/);
    const entries = await unzip(Buffer.from(await response.arrayBuffer()));

    const mix = readFileSync(path.join(server.service.options.dataFolder, 'jobs', withStems!.id, 'out', 'scored.wav'));
    const mixSeconds = wavInfo(mix).seconds;
    const names = [...entries.keys()].sort();
    assert.ok(names.length >= 3, `stems: ${names.join(', ')}`);
    for (const name of names) {
      const match = /^song 0\.v2m\.stems\/(\w+)\.wav$/.exec(name);
      assert.ok(match && STEM_ROLES.includes(match[1] as (typeof STEM_ROLES)[number]), `entry ${name} is <role>.wav in the job's folder`);
      const wav = entries.get(name)!;
      const info = wavInfo(wav);
      assert.ok(Math.abs(info.seconds - mixSeconds) < 0.001, `${name}: ${info.seconds} s, the mix ${mixSeconds} s`);
      assert.ok(info.peak > 0, `${name} is not silent`);
      const onDisk = readFileSync(path.join(server.service.options.dataFolder, 'jobs', withStems!.id, 'out', 'scored.stems', `${match![1]}.wav`));
      assert.ok(wav.equals(onDisk), `${name}: the same bytes as the stem on disk`);
    }
  });
});

/** Every entry of a zip, by name. */
function unzip(zip: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    fromBuffer(zip, { lazyEntries: true }, (error, file: ZipFile) => {
      if (error) return reject(error);
      const entries = new Map<string, Buffer>();
      file.on('entry', (entry: Entry) => {
        file.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('error', reject);
          stream.on('end', () => {
            entries.set(entry.fileName, Buffer.concat(chunks));
            file.readEntry();
          });
        });
      });
      file.on('end', () => resolve(entries));
      file.on('error', reject);
      file.readEntry();
    });
  });
}

/** A WAV's length in seconds (fmt and data chunks) and its largest sample (16-bit PCM or 32-bit float). */
function wavInfo(wav: Buffer): { seconds: number; peak: number } {
  assert.equal(wav.toString('ascii', 0, 4), 'RIFF');
  assert.equal(wav.toString('ascii', 8, 12), 'WAVE');
  let offset = 12;
  let format = 0;
  let bits = 0;
  let bytesPerSecond = 0;
  while (offset + 8 <= wav.length) {
    const id = wav.toString('ascii', offset, offset + 4);
    const size = wav.readUInt32LE(offset + 4);
    if (id === 'fmt ') {
      format = wav.readUInt16LE(offset + 8);
      bytesPerSecond = wav.readUInt32LE(offset + 16);
      bits = wav.readUInt16LE(offset + 22);
    }
    if (id === 'data') {
      let peak = 0;
      const start = offset + 8;
      const end = Math.min(start + size, wav.length);
      const float = format === 3 || (format === 0xfffe && bits === 32);
      for (let at = start; at + bits / 8 <= end; at += bits / 8) {
        const sample = float ? wav.readFloatLE(at) : bits === 16 ? wav.readInt16LE(at) / 32768 : wav.readInt32LE(at) / 2 ** 31;
        peak = Math.max(peak, Math.abs(sample));
      }
      return { seconds: size / bytesPerSecond, peak };
    }
    offset += 8 + size + (size % 2);
  }
  throw new Error('no data chunk in the WAV');
}
