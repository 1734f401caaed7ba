import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { measureLoudness } from '../../src/media/audio.js';
import { analyzeAudio } from '../../src/measure/audio.js';
import { ffmpeg, temporaryFolder } from '../helpers.js';

const RATE = 48000;

/** Writes samples as a 16-bit stereo WAV (both channels alike, as v2m renders) through ffmpeg. */
function writeWav(samples: Float32Array, file: string): string {
  const stereo = new Float32Array(samples.length * 2);
  samples.forEach((sample, i) => {
    stereo[2 * i] = sample;
    stereo[2 * i + 1] = sample;
  });
  const raw = `${file}.f32`;
  writeFileSync(raw, new Uint8Array(stereo.buffer));
  ffmpeg(['-y', '-v', 'error', '-f', 'f32le', '-ar', String(RATE), '-ac', '2', '-i', raw, '-c:a', 'pcm_s16le', file]);
  return file;
}

/** A click: a 2 kHz burst that decays in ~15 ms, the attack of a woodblock. */
function clickTrack(times: readonly number[], seconds: number, amplitude = 0.5): Float32Array {
  const samples = new Float32Array(Math.round(seconds * RATE));
  for (const time of times) {
    const start = Math.round(time * RATE);
    for (let i = 0; i < 0.04 * RATE && start + i < samples.length; i++) {
      samples[start + i] += amplitude * Math.exp(-i / (0.004 * RATE)) * Math.sin((2 * Math.PI * 2000 * i) / RATE);
    }
  }
  return samples;
}

describe('audio analysis of a rendered track', () => {
  const folder = temporaryFolder();

  it('finds every onset of a click track within ±10 ms, and nothing else', async () => {
    const clicks = [0.31, 0.7, 1.05, 1.62, 2.13, 2.5, 2.91, 3.37, 3.6, 4.24, 4.88, 5.02, 5.55];
    const analysis = await analyzeAudio(writeWav(clickTrack(clicks, 6), path.join(folder, 'clicks.wav')));
    assert.equal(analysis.onsets.length, clicks.length, `onsets at ${analysis.onsets.map((o) => o.time.toFixed(3)).join(', ')}`);
    analysis.onsets.forEach((onset, i) => assert.ok(Math.abs(onset.time - clicks[i]!) <= 0.01, `click at ${clicks[i]} heard at ${onset.time.toFixed(4)}`));
  });

  it('tracks the beat of a steady 120 BPM click track', async () => {
    const clicks = Array.from({ length: 20 }, (_, i) => 0.25 + i * 0.5);
    const analysis = await analyzeAudio(writeWav(clickTrack(clicks, 10.5), path.join(folder, 'steady.wav')));
    assert.ok(Math.abs(analysis.tempoBpm - 120) <= 3, `tempo ${analysis.tempoBpm}`);
    const onBeat = analysis.beats.filter((beat) => clicks.some((click) => Math.abs(click - beat) <= 0.02));
    assert.ok(onBeat.length >= 0.9 * clicks.length, `${onBeat.length} of ${analysis.beats.length} beats on clicks`);
  });

  it('measures loudness within 0.5 LU of ffmpeg’s ebur128, per second RMS and the silences', async () => {
    // A tone at two levels with a 3 s hole: the gates of BS.1770 and the silence finder both matter here.
    const samples = new Float32Array(10 * RATE);
    for (let i = 0; i < samples.length; i++) {
      const t = i / RATE;
      const level = t < 3 ? 0.5 : t < 6 ? 0 : 0.05;
      samples[i] = level * Math.sin(2 * Math.PI * 440 * t) + (t >= 6 ? 0.02 * Math.sin(2 * Math.PI * 90 * t) : 0);
    }
    const file = writeWav(samples, path.join(folder, 'levels.wav'));
    const [ours, theirs] = await Promise.all([analyzeAudio(file), measureLoudness(file)]);
    assert.ok(Math.abs(ours.integratedLufs - theirs.integratedLufs) <= 0.5, `v2m ${ours.integratedLufs.toFixed(2)} LUFS, ffmpeg ${theirs.integratedLufs}`);
    assert.equal(ours.rmsDbPerSecond.length, 10);
    assert.ok(Math.abs(ours.rmsDbPerSecond[0]! - 20 * Math.log10(0.5 / Math.SQRT2)) < 0.2, `first second ${ours.rmsDbPerSecond[0]} dBFS`);
    assert.ok(ours.longestSilence && Math.abs(ours.longestSilence.start - 3) <= 0.05 && Math.abs(ours.longestSilence.end - 6) <= 0.05, JSON.stringify(ours.longestSilence));
    assert.ok(Math.abs(ours.duration - 10) < 0.001);
  });
});
