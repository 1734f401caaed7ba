// End to end: --audio-format writes the music file as 16-bit WAV, 24-bit WAV, FLAC or MP3 under the
// extension the format has; each decodes (read back by ffprobe and ffmpeg, not by v2m) to the video's
// length, with the right codec and depth, at the loudness the cue sheet states; the scored video keeps
// AAC; a format v2m does not know is a usage error (exit 2) before any work.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { toolPath } from '../../src/media/tools.js';
import { ffprobeStreams, listFolder, runCli, SAMPLE_CLIP, temporaryFolder } from '../helpers.js';

interface Expected {
  extension: string;
  codec: string;
  /** Bits per sample as ffprobe reports them (bits_per_sample for PCM, bits_per_raw_sample for FLAC); none for MP3. */
  bits?: number;
}

const FORMATS: Record<string, Expected> = {
  wav: { extension: '.wav', codec: 'pcm_s16le', bits: 16 },
  wav24: { extension: '.wav', codec: 'pcm_s24le', bits: 24 },
  flac: { extension: '.flac', codec: 'flac', bits: 24 },
  mp3: { extension: '.mp3', codec: 'mp3' },
};

/** The sample clip's length. */
const VIDEO_SECONDS = 10;
const LENGTH_TOLERANCE_SECONDS = 0.05;

interface AudioStream {
  codec_name: string;
  duration: string;
  bits_per_sample?: number;
  bits_per_raw_sample?: string;
}

function probeAudio(file: string): AudioStream {
  const result = spawnSync(toolPath('ffprobe'), ['-v', 'error', '-select_streams', 'a:0', '-show_streams', '-of', 'json', file], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(result.status, 0, result.stderr);
  const stream = (JSON.parse(result.stdout) as { streams: AudioStream[] }).streams[0];
  assert.ok(stream, `no audio stream in ${file}`);
  return stream;
}

/** Seconds of audio ffmpeg decodes from `file` (48 kHz stereo float), and its EBU R128 figures. */
function decodeAndMeasure(file: string): { seconds: number; integratedLufs: number; truePeakDbtp: number } {
  const result = spawnSync(toolPath('ffmpeg'), ['-hide_banner', '-nostdin', '-i', file, '-map', '0:a:0', '-af', 'ebur128=peak=true,astats=metadata=0', '-ar', '48000', '-ac', '2', '-f', 'f32le', 'pipe:1'], { timeout: 60_000, maxBuffer: 64 * 1024 ** 2 });
  const stderr = result.stderr.toString('utf8');
  assert.equal(result.status, 0, stderr);
  const summary = stderr.slice(stderr.lastIndexOf('Summary:'));
  const integrated = /I:\s+(-?[\d.]+|-inf) LUFS/.exec(summary)?.[1];
  const peak = /Peak:\s+(-?[\d.]+|-inf) dBFS/.exec(summary)?.[1];
  assert.ok(integrated && peak, summary);
  return { seconds: result.stdout.length / (48000 * 2 * 4), integratedLufs: Number(integrated), truePeakDbtp: Number(peak) };
}

describe('--audio-format (slow)', () => {
  for (const [format, expected] of Object.entries(FORMATS)) {
    it(`${format}: ${expected.codec}${expected.bits ? ` ${expected.bits}-bit` : ''} in a ${expected.extension} the video's length, at −14 LUFS`, { timeout: 180_000 }, () => {
      const folder = temporaryFolder('v2m-formats-');
      const video = path.join(folder, 'out.mp4');
      const run = runCli(['score', SAMPLE_CLIP, '-o', video, '--no-faces', '--audio-format', format, '--json', '-q']);
      assert.equal(run.code, 0, run.stderr);
      const music = path.join(folder, `out${expected.extension}`);
      assert.ok(existsSync(music), `no ${music}; the folder holds ${listFolder(folder).join(', ')}`);
      for (const other of ['.wav', '.flac', '.mp3'].filter((extension) => extension !== expected.extension)) {
        assert.ok(!existsSync(path.join(folder, `out${other}`)), `an out${other} was written too`);
      }
      const cues = JSON.parse(readFileSync(path.join(folder, 'out.cues.json'), 'utf8')) as { outputs: { audio: string }; audio: { integratedLufs: number; truePeakDbtp: number } };
      assert.equal(cues.outputs.audio, music, 'the cue sheet names the music file');

      const stream = probeAudio(music);
      assert.equal(stream.codec_name, expected.codec);
      if (expected.codec.startsWith('pcm_')) assert.equal(stream.bits_per_sample, expected.bits);
      if (expected.codec === 'flac') assert.equal(Number(stream.bits_per_raw_sample), expected.bits);
      assert.ok(Math.abs(Number(stream.duration) - VIDEO_SECONDS) <= LENGTH_TOLERANCE_SECONDS, `ffprobe says ${stream.duration} s`);

      const heard = decodeAndMeasure(music);
      assert.ok(Math.abs(heard.seconds - VIDEO_SECONDS) <= LENGTH_TOLERANCE_SECONDS, `decodes to ${heard.seconds} s`);
      // Not silent, at the target, under the ceiling — measured from the decoded file, for the lossy one too.
      assert.ok(Math.abs(heard.integratedLufs - -14) <= 0.5, `${heard.integratedLufs} LUFS`);
      assert.ok(heard.truePeakDbtp <= -1.5 + 0.1, `${heard.truePeakDbtp} dBTP`);
      assert.ok(Math.abs(heard.integratedLufs - cues.audio.integratedLufs) <= 0.2, `cue sheet says ${cues.audio.integratedLufs} LUFS, the file ${heard.integratedLufs}`);

      const scored = ffprobeStreams(video).streams.find((s) => s.codec_type === 'audio');
      assert.equal(scored?.codec_name, 'aac', "the MP4's music is AAC whatever the file's format");
    });
  }

  it('refuses a format it does not know with exit 2, before writing anything', { timeout: 60_000 }, () => {
    const folder = temporaryFolder('v2m-formats-');
    const run = runCli(['score', SAMPLE_CLIP, '-o', path.join(folder, 'out.mp4'), '--audio-format', 'ogg', '-q']);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /--audio-format 'ogg'.*wav, wav24, flac, mp3/);
    assert.deepEqual(listFolder(folder), []);
  });
});
