// Slow end-to-end test: the whole `v2m score` on the sample clip and a montage with planted cuts, judged from the outputs themselves
// with independent tools (ffprobe for streams and lengths, ffmpeg's ebur128 for loudness, midi-file
// for the MIDI).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseMidi } from 'midi-file';
import { HtmlValidate } from 'html-validate';
import { measureLoudness } from '../../src/media/audio.js';
import { SCORE_REPORT_FEATURES } from '../../src/report/html.js';
import type { CueSheet } from '../../src/report/cues.js';
import { STYLE_NAMES } from '../../src/compose/score.js';
import { FACE_CLIP, ffprobeStreams, fiveCutClip, listFolder, runCli, SAMPLE_CLIP, sha256, temporaryFolder, vp8WithVorbis } from '../helpers.js';

const LENGTH_TOLERANCE_SECONDS = 0.05;

const montage = fiveCutClip(path.join(temporaryFolder('v2m-e2e-input-'), 'five-cuts.mp4'));
const INPUTS = [
  { name: 'the sample clip (Big Buck Bunny, VP9 in WebM, one shot)', clip: SAMPLE_CLIP, cuts: [] as number[] },
  { name: 'a montage with five planted cuts', clip: montage.file, cuts: montage.cuts },
];

for (const { name, clip, cuts: plantedCuts } of INPUTS) {
  describe(`v2m score on ${name} (slow, end to end)`, () => {
    const folder = temporaryFolder('v2m-e2e-');
    const output = path.join(folder, 'out.mp4');
    const inputHash = sha256(clip);
    const run = runCli(['score', clip, '-o', output, '--seed', '7']);

    it('exits 0 and writes the five outputs, nothing else', () => {
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(listFolder(folder), ['out.cues.json', 'out.markers.csv', 'out.markers.edl', 'out.mid', 'out.mp4', 'out.report.html', 'out.wav']);
      assert.equal(sha256(clip), inputHash, 'the input is unchanged');
    });

    it('writes a video with one video and one audio stream, the audio as long as the video', () => {
      const probed = ffprobeStreams(output);
      const video = probed.streams.filter((s) => s.codec_type === 'video');
      const audio = probed.streams.filter((s) => s.codec_type === 'audio');
      assert.equal(video.length, 1);
      assert.equal(audio.length, 1);
      assert.equal(audio[0]!.codec_name, 'aac');
      const videoLength = Number(video[0]!.duration ?? probed.format.duration);
      const inputLength = Number(ffprobeStreams(clip).format.duration);
      assert.ok(Math.abs(Number(audio[0]!.duration) - videoLength) <= LENGTH_TOLERANCE_SECONDS, `audio ${audio[0]!.duration} s vs video ${videoLength} s`);
      assert.ok(Math.abs(videoLength - inputLength) <= LENGTH_TOLERANCE_SECONDS);
      const wavLength = Number(ffprobeStreams(path.join(folder, 'out.wav')).streams[0]!.duration);
      assert.ok(Math.abs(wavLength - inputLength) <= LENGTH_TOLERANCE_SECONDS, `wav ${wavLength} s vs ${inputLength} s`);
    });

    it('is real, loudness-normalised music: -14 ± 1 LUFS, true peak ≤ -1 dBTP', async () => {
      const wav = await measureLoudness(path.join(folder, 'out.wav'));
      assert.ok(Math.abs(wav.integratedLufs + 14) <= 1, `WAV at ${wav.integratedLufs} LUFS`);
      assert.ok(wav.truePeakDbtp <= -1, `WAV true peak ${wav.truePeakDbtp} dBTP`);
      const scored = await measureLoudness(output);
      assert.ok(Math.abs(scored.integratedLufs + 14) <= 1, `scored video at ${scored.integratedLufs} LUFS`);
    });

    it('writes a MIDI file with at least three tracks that have notes', () => {
      const parsed = parseMidi(readFileSync(path.join(folder, 'out.mid')));
      const withNotes = parsed.tracks.filter((track) => track.some((event) => event.type === 'noteOn'));
      assert.ok(withNotes.length >= 3, `${withNotes.length} tracks with notes`);
    });

    it('writes a cue sheet with the cuts, chords and one feature value per second', () => {
      const cues = JSON.parse(readFileSync(path.join(folder, 'out.cues.json'), 'utf8')) as CueSheet;
      assert.equal(cues.version, 1);
      assert.equal(cues.input.path, clip);
      assert.ok(cues.tempo >= 40 && cues.tempo <= 240);
      assert.match(cues.key, /^[A-G][b#]? (major|minor)$/);
      assert.equal(cues.features.motion.length, Math.ceil(cues.input.duration - 1e-6));
      assert.ok(cues.chords.length > 0 && cues.chords.every((c) => typeof c.chord === 'string' && c.duration > 0));
      // By default the shipped models write the chords and shape the dynamics; the cue sheet says which.
      assert.match(cues.models.chords, /^amt amt-w\d+-/);
      assert.match(cues.models.dynamics, /^bigru dynamics-h\d+-/);
      if (plantedCuts.length > 0) {
        assert.equal(cues.cuts.length, plantedCuts.length);
        // Each cut is a hit point; those that land on a beat are downbeats of the music (within a frame).
        assert.equal(cues.hitPoints.filter((hit) => hit.kind === 'cut').length, plantedCuts.length);
        for (const hit of cues.hitPoints.filter((h) => h.landing === 'downbeat')) {
          assert.ok(cues.downbeats.some((d) => Math.abs(d - hit.time) <= 1 / cues.input.framesPerSecond + 1e-6), `cut at ${hit.time} is not on a downbeat`);
        }
        // The editor's marker file lists every cut at its frame's timecode.
        const csv = readFileSync(path.join(folder, 'out.markers.csv'), 'utf8');
        for (const cut of plantedCuts) {
          const frame = Math.round(cut * cues.input.framesPerSecond);
          const fps = Math.round(cues.input.framesPerSecond);
          const tc = `00:00:${String(Math.floor(frame / fps)).padStart(2, '0')}:${String(frame % fps).padStart(2, '0')}`;
          assert.match(csv, new RegExp(`^cut \\d+,${tc},`, 'm'), `no marker at ${tc} for the cut at ${cut} s`);
        }
        // One tempo or a few gentle changes.
        const tempi = cues.tempoMap.map((change) => change.tempo);
        for (let i = 1; i < tempi.length; i++) assert.ok(Math.abs(tempi[i]! / tempi[i - 1]! - 1) <= 0.08 + 1e-3, `tempo step ${tempi[i - 1]} → ${tempi[i]}`);
      } else {
        assert.deepEqual(cues.cuts, []);
      }
    });

    it('measures its own output in the cue sheet: every cut hit, in key, ending on the tonic or fading', () => {
      const cues = JSON.parse(readFileSync(path.join(folder, 'out.cues.json'), 'utf8')) as CueSheet;
      if (cues.cuts.length > 0) assert.equal(cues.metrics.cutHitRate, 1);
      assert.ok(cues.metrics.inKeyRatio >= 0.95, `in key ${cues.metrics.inKeyRatio}`);
      assert.ok(cues.metrics.endsOnTonic || cues.metrics.fadesOut);
      assert.ok(Math.abs(cues.metrics.integratedLufs + 14) <= 1);
      assert.ok(cues.metrics.lengthErrorSeconds <= LENGTH_TOLERANCE_SECONDS);
    });

    it('writes a valid, self-contained HTML report with one timeline per feature and the video beside it', async () => {
      const html = readFileSync(path.join(folder, 'out.report.html'), 'utf8');
      const report = await new HtmlValidate({ extends: ['html-validate:recommended'], rules: { 'no-inline-style': 'off' } }).validateString(html);
      assert.ok(report.valid, JSON.stringify(report.results.flatMap((r) => r.messages.map((m) => `${m.ruleId}: ${m.message}`)).slice(0, 5)));
      for (const feature of SCORE_REPORT_FEATURES) {
        assert.equal(html.split(`data-feature="${feature}"`).length - 1, 1, `one ${feature} timeline`);
      }
      assert.match(html, /<video[^>]+src="out\.mp4"/);
      assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//, 'nothing is fetched from the network');
    });
  });
}

describe('every style renders to a finished track (slow, end to end)', () => {
  for (const style of STYLE_NAMES) {
    it(`renders ${style}`, async () => {
      const folder = temporaryFolder('v2m-style-');
      const output = path.join(folder, `${style}.mp4`);
      const run = runCli(['score', FACE_CLIP, '-o', output, '--style', style, '-q', '--json']);
      assert.equal(run.code, 0, run.stderr);
      const cues = JSON.parse(run.stdout) as CueSheet;
      assert.equal(cues.style, style);
      const wav = await measureLoudness(path.join(folder, `${style}.wav`));
      assert.ok(Math.abs(wav.integratedLufs + 14) <= 1, `${style} at ${wav.integratedLufs} LUFS`);
    });
  }
});

describe('mux modes and determinism (slow, end to end)', () => {
  it('with --copy-video, refuses to put a VP8 stream in an MP4 and names the way out', () => {
    const folder = temporaryFolder('v2m-vp8-');
    const input = vp8WithVorbis(path.join(temporaryFolder('v2m-vp8-input-'), 'clip.webm'));
    // Without --copy-video the picture is re-encoded to H.264 (test/cli/robustness.e2e.test.ts).
    const run = runCli(['score', input, '-o', path.join(folder, 'out.mp4'), '--copy-video', '-q']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /vp8, which an MP4 file cannot hold.*-o out\.mkv/);
    assert.deepEqual(listFolder(folder), []);
  });

  it('keeps the original sound under the music with --mux mix (VP8 copied into Matroska)', () => {
    const folder = temporaryFolder('v2m-mix-');
    const output = path.join(folder, 'mixed.mkv');
    const run = runCli(['score', vp8WithVorbis(path.join(folder, 'clip.webm')), '-o', output, '--mux', 'mix', '--original-gain', '-6', '-q']);
    assert.equal(run.code, 0, run.stderr);
    const audio = ffprobeStreams(output).streams.filter((s) => s.codec_type === 'audio');
    assert.equal(audio.length, 1);
    assert.equal(audio[0]!.codec_name, 'aac');
  });

  it('writes byte-identical MIDI for the same seed and different music for another seed', () => {
    const folder = temporaryFolder('v2m-seed-');
    const midiFor = (name: string, seed: string) => {
      const run = runCli(['score', FACE_CLIP, '-o', path.join(folder, `${name}.mp4`), '--seed', seed, '-q']);
      assert.equal(run.code, 0, run.stderr);
      return sha256(path.join(folder, `${name}.mid`));
    };
    assert.equal(midiFor('a', '42'), midiFor('b', '42'));
    assert.notEqual(midiFor('a', '42'), midiFor('c', '43'));
  });
});
