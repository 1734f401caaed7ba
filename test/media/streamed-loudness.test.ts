// The master's first loudness measurement, taken while the synthesizer writes (fed block by block
// through ffmpeg's stdin), is the one it would take from the finished file: the mastered WAV comes out
// byte for byte the same. The synthesizer writes past the track's end (its release tail), which ffmpeg
// stops reading: the measurement must still finish.

import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { master, measureForMaster } from '../../src/render/master.js';
import { temporaryFolder } from '../helpers.js';

const SAMPLE_RATE_HZ = 48000;

/** `seconds` of a chord that swells and fades, interleaved stereo, the right channel a little softer. */
function music(seconds: number): Float32Array {
  const frames = Math.round(seconds * SAMPLE_RATE_HZ);
  const samples = new Float32Array(2 * frames);
  for (let i = 0; i < frames; i++) {
    const t = i / SAMPLE_RATE_HZ;
    const swell = 0.2 + 0.15 * Math.sin(2 * Math.PI * 0.4 * t);
    const value = swell * (Math.sin(2 * Math.PI * 220 * t) + 0.5 * Math.sin(2 * Math.PI * 277.2 * t) + 0.4 * Math.sin(2 * Math.PI * 329.6 * t));
    samples[2 * i] = value;
    samples[2 * i + 1] = 0.8 * value;
  }
  return samples;
}

describe('loudness measured while the music is written', { timeout: 60_000 }, () => {
  it('masters the very same file as a measurement of the finished raw track, though fed past its end', async () => {
    const folder = temporaryFolder('v2m-streamed-loudness-');
    const trackSeconds = 3;
    const raw = music(trackSeconds + 0.5); // the synthesizer's half-second tail
    const rawPath = path.join(folder, 'raw.f32');
    await writeFile(rawPath, new Uint8Array(raw.buffer));

    const measuring = measureForMaster(trackSeconds);
    const block = 4096 * 2;
    for (let start = 0; start < raw.length; start += block) await measuring.write(raw.subarray(start, Math.min(raw.length, start + block)));
    const measured = await measuring.finish();
    assert.ok(measured && Number.isFinite(measured.integratedLufs) && Number.isFinite(measured.truePeakDbtp), 'the streamed measurement finished with figures');

    const input = { path: rawPath, sampleRateHz: SAMPLE_RATE_HZ, channels: 2 };
    const fromFile = await master(input, path.join(folder, 'from-file.wav'), trackSeconds);
    const streamed = await master(input, path.join(folder, 'streamed.wav'), trackSeconds, 'wav', undefined, undefined, measured);
    assert.deepEqual(streamed, fromFile, 'the same gain, limiter and figures');
    assert.deepEqual(await readFile(path.join(folder, 'streamed.wav')), await readFile(path.join(folder, 'from-file.wav')), 'the same WAV, byte for byte');
  });

});
