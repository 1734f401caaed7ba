// pop909-textures: POP909's PIANO track (Wang et al. 2020, MIT) cut into one-bar accompaniment
// patterns on a sixteenth grid, each note stored against the bar's chord — the texture library's source.

import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { parseMidi } from 'midi-file';
import { TempoTimeline } from '../render/tempo.js';
import {
  ACCENT_VELOCITY,
  encodeNotes,
  NOTE_FIELDS,
  ROOT_OCTAVE_MIDI,
  STEPS_PER_BEAT,
  TEXTURE_FORMAT,
  TEXTURE_FORMAT_VERSION,
  textureFeatures,
  type TextureLibraryFile,
  type TextureNote,
  type TexturePattern,
} from '../compose/texture-library.js';
import { pop909Split } from './pop909-split.js';

/** Chord tones of POP909's Harte qualities, as semitones above the root in chord-tone order (root, third, fifth, seventh). */
const HARTE_INTERVALS: Record<string, readonly number[]> = {
  maj: [0, 4, 7], min: [0, 3, 7], sus2: [0, 2, 7], sus4: [0, 5, 7], dim: [0, 3, 6], aug: [0, 4, 8],
  '7': [0, 4, 7, 10], maj7: [0, 4, 7, 11], min7: [0, 3, 7, 10], maj6: [0, 4, 7, 9], min6: [0, 3, 7, 9],
  hdim7: [0, 3, 6, 10], dim7: [0, 3, 6, 9], minmaj7: [0, 3, 7, 11], 'sus4(b7)': [0, 5, 7, 10],
};
const NATURAL_PITCH_CLASS: Record<string, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };

/** Bars of these lengths (beats) are kept: POP909 is in 4/4 with a few songs in 3/4. */
const KEPT_BAR_BEATS = [3, 4];
/** A bar busier than this is a run or a glissando, not an accompaniment figure. */
const MAX_NOTES_PER_BAR = 40;
/** A note may start this early (beats) and still belong to the bar: pianists anticipate the downbeat. */
const ANTICIPATION_BEATS = 0.125;
const MAX_ACCENT = 2;

export interface Pop909TextureOptions {
  /** The folder that holds POP909's numbered song folders (…/pop909/POP909). */
  songsFolder: string;
  /** Most patterns kept from one song, so that no song's texture dominates the library. */
  perSongLimit: number;
  /** Only these songs (folder names), e.g. for a quick test; default all training songs. */
  songs?: readonly string[];
}

interface ChordSpan {
  start: number;
  end: number;
  label: string;
}

/** A Harte label's root pitch class and quality ("C#:maj7/3" → 1, 'maj7'); undefined for N or an unknown quality. */
export function parseHarte(label: string): { rootPitchClass: number; quality: string } | undefined {
  const [root = '', rest = ''] = label.split(':');
  const quality = rest.split('/')[0]!;
  const natural = NATURAL_PITCH_CLASS[root[0] ?? ''];
  if (natural === undefined || !HARTE_INTERVALS[quality]) return undefined;
  const accidentals = [...root.slice(1)].reduce((sum, sign) => sum + (sign === '#' ? 1 : sign === 'b' ? -1 : 0), 0);
  return { rootPitchClass: (natural + accidentals + 12) % 12, quality };
}

/** The library file from the training songs, in song order (deterministic). */
export async function buildTextureLibraryFile(options: Pop909TextureOptions): Promise<TextureLibraryFile> {
  const folders = (options.songs ?? (await readdir(options.songsFolder)).filter((name) => /^\d{3}$/.test(name)))
    .filter((song) => pop909Split(song) === 'train')
    .sort();
  const seen = new Set<string>();
  const patterns: TextureLibraryFile['patterns'] = [];
  for (const song of folders) {
    const unique = (await songPatterns(options.songsFolder, song)).filter((pattern) => {
      const key = patternKey(pattern);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    for (const pattern of spreadOverDensity(unique, options.perSongLimit)) patterns.push({ beats: pattern.beats, quality: pattern.quality, song, notes: encodeNotes(pattern.notes) });
  }
  return {
    format: TEXTURE_FORMAT,
    version: TEXTURE_FORMAT_VERSION,
    source: 'POP909 PIANO track, training split (Wang et al. 2020, ISMIR; MIT licence)',
    stepsPerBeat: STEPS_PER_BEAT,
    noteFields: NOTE_FIELDS,
    patterns,
  };
}

/** Two bars are the same texture when they start the same pitches (relative to the chord) on the same sixteenths. */
function patternKey(pattern: TexturePattern): string {
  return `${pattern.beats}|${pattern.notes.map((note) => `${note.step}:${note.semitonesFromRoot}`).join(',')}`;
}

/**
 * At most `limit` patterns from a song, taken in turn from its density levels (onsets per beat,
 * rounded to halves) so that its sparse bars and its busy ones are both represented.
 */
function spreadOverDensity(patterns: TexturePattern[], limit: number): TexturePattern[] {
  const levels = new Map<number, TexturePattern[]>();
  for (const pattern of patterns) {
    const level = Math.round(pattern.features.onsetsPerBeat * 2);
    levels.set(level, [...(levels.get(level) ?? []), pattern]);
  }
  const queues = [...levels.entries()].sort((a, b) => a[0] - b[0]).map(([, queue]) => queue);
  const chosen: TexturePattern[] = [];
  for (let round = 0; chosen.length < limit && queues.some((queue) => queue.length > round); round++) {
    for (const queue of queues) if (round < queue.length && chosen.length < limit) chosen.push(queue[round]!);
  }
  return chosen;
}

async function songPatterns(songsFolder: string, song: string): Promise<TexturePattern[]> {
  const folder = path.join(songsFolder, song);
  const [midiBytes, beatText, chordText] = await Promise.all([
    readFile(path.join(folder, `${song}.mid`)),
    readFile(path.join(folder, 'beat_midi.txt'), 'utf8'),
    readFile(path.join(folder, 'chord_midi.txt'), 'utf8'),
  ]);
  const beats = rows(beatText).map((cells) => ({ time: Number(cells[0]), downbeat: cells[2] === '1.0' || cells[2] === '1' }));
  const chords: ChordSpan[] = rows(chordText).map((cells) => ({ start: Number(cells[0]), end: Number(cells[1]), label: cells[2] ?? 'N' }));
  const notes = pianoNotes(midiBytes);
  const beatTimes = beats.map((beat) => beat.time);
  const downbeats = beats.flatMap((beat, index) => (beat.downbeat ? [index] : []));
  const patterns: TexturePattern[] = [];
  for (let k = 0; k + 1 < downbeats.length; k++) {
    const pattern = barPattern(notes, beatTimes, chords, downbeats[k]!, downbeats[k + 1]!);
    if (pattern) patterns.push({ ...pattern, song });
  }
  return patterns;
}

function rows(text: string): string[][] {
  return text.split('\n').map((line) => line.trim().split(/\s+/)).filter((cells) => cells.length >= 2 && cells[0] !== '');
}

interface PianoNote {
  time: number;
  end: number;
  midi: number;
  velocity: number;
}

/** The notes of the track named PIANO, in seconds through the file's own tempo map. */
function pianoNotes(bytes: Uint8Array): PianoNote[] {
  const file = parseMidi(bytes);
  const tempoChanges: Array<{ ticks: number; microsecondsPerBeat: number }> = [];
  for (const track of file.tracks) {
    let ticks = 0;
    for (const event of track) {
      ticks += event.deltaTime;
      if (event.type === 'setTempo') tempoChanges.push({ ticks, microsecondsPerBeat: event.microsecondsPerBeat });
    }
  }
  const tempo = TempoTimeline.fromTicks(tempoChanges, file.header.ticksPerBeat ?? 480);
  const piano = file.tracks.find((track) => track.some((event) => event.type === 'trackName' && event.text.trim().toUpperCase() === 'PIANO')) ?? [];
  const notes: PianoNote[] = [];
  const pending = new Map<number, { ticks: number; velocity: number }>();
  let ticks = 0;
  for (const event of piano) {
    ticks += event.deltaTime;
    if (event.type === 'noteOn' && event.velocity > 0) pending.set(event.noteNumber, { ticks, velocity: event.velocity });
    else if (event.type === 'noteOff' || event.type === 'noteOn') {
      const start = pending.get(event.noteNumber);
      if (!start) continue;
      pending.delete(event.noteNumber);
      notes.push({ time: tempo.ticksToSeconds(start.ticks), end: tempo.ticksToSeconds(ticks), midi: event.noteNumber, velocity: start.velocity });
    }
  }
  return notes.sort((a, b) => a.time - b.time || a.midi - b.midi);
}

/** Position of `time` in beats (fractional), through the annotated beat times. */
function beatPosition(beatTimes: readonly number[], time: number): number {
  let low = 0;
  let high = beatTimes.length - 2;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (beatTimes[middle]! <= time) low = middle;
    else high = middle - 1;
  }
  const length = beatTimes[low + 1]! - beatTimes[low]!;
  return low + (time - beatTimes[low]!) / length;
}

/**
 * The pattern of the bar from beat `first` to beat `next`, or undefined when the bar is not one
 * chord from end to end, has no notes, or is not in a kept metre.
 */
function barPattern(notes: readonly PianoNote[], beatTimes: readonly number[], chords: readonly ChordSpan[], first: number, next: number): Omit<TexturePattern, 'song'> | undefined {
  const beats = next - first;
  if (!KEPT_BAR_BEATS.includes(beats) || next >= beatTimes.length) return undefined;
  const start = beatTimes[first]!;
  const end = beatTimes[next]!;
  const tolerance = (end - start) / (beats * STEPS_PER_BEAT);
  const spans = chords.filter((span) => span.end > start + tolerance && span.start < end - tolerance);
  const chord = spans.length === 1 ? parseHarte(spans[0]!.label) : undefined;
  if (!chord) return undefined;
  const intervals = HARTE_INTERVALS[chord.quality]!;
  const stepsInBar = beats * STEPS_PER_BEAT;
  const inBar = notes.filter((note) => {
    const position = beatPosition(beatTimes, note.time) - first;
    return position >= -ANTICIPATION_BEATS && position < beats - ANTICIPATION_BEATS;
  });
  if (inBar.length === 0 || inBar.length > MAX_NOTES_PER_BAR) return undefined;
  const meanVelocity = inBar.reduce((sum, note) => sum + note.velocity, 0) / inBar.length;
  const textureNotes: TextureNote[] = inBar.map((note) => {
    const onset = beatPosition(beatTimes, note.time) - first;
    const step = Math.min(stepsInBar - 1, Math.max(0, Math.round(onset * STEPS_PER_BEAT)));
    const lengthBeats = beatPosition(beatTimes, note.end) - first - onset;
    const interval = (((note.midi - chord.rootPitchClass) % 12) + 12) % 12;
    const toneIndex = intervals.indexOf(interval);
    return {
      step,
      lengthSteps: Math.min(stepsInBar - step, Math.max(1, Math.round(lengthBeats * STEPS_PER_BEAT))),
      semitonesFromRoot: note.midi - ROOT_OCTAVE_MIDI - chord.rootPitchClass,
      chordTone: toneIndex >= 0 ? toneIndex : undefined,
      accent: Math.max(-MAX_ACCENT, Math.min(MAX_ACCENT, Math.round((note.velocity - meanVelocity) / ACCENT_VELOCITY))),
    };
  });
  const unique = dedupeNotes(textureNotes).sort((a, b) => a.step - b.step || a.semitonesFromRoot - b.semitonesFromRoot);
  return { beats, quality: chord.quality, notes: unique, features: textureFeatures(unique, beats) };
}

/** One note per (step, pitch): a re-struck key quantised onto the same sixteenth is one note. */
function dedupeNotes(notes: readonly TextureNote[]): TextureNote[] {
  const byKey = new Map<string, TextureNote>();
  for (const note of notes) {
    const key = `${note.step}:${note.semitonesFromRoot}`;
    const kept = byKey.get(key);
    if (!kept || note.lengthSteps > kept.lengthSteps) byKey.set(key, note);
  }
  return [...byKey.values()];
}
