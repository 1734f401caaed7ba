// pretraining: chord sequences from POP909 and the McGill Billboard annotations, converted into
// MuVi-Sync's vocabulary at one chord per second and transposed to C major / A minor as MuVi-Sync's
// lab_v2_norm labels are, for pre-training the chord decoder (they have no video, so the encoder
// reads zeros and no emotion applies).

import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Note } from 'tonal';
import { usageError } from '../errors.js';
import type { ChordSequence } from './amt-train.js';
import { chordClass, NO_CHORD, ROOTS } from './vocabulary.js';

export const PRETRAINING_SOURCES = ['pop909', 'billboard'] as const;
export type PretrainingSource = (typeof PRETRAINING_SOURCES)[number];

/** Pitch class of a Harte root such as "Bb", "F#", "Cbb"; undefined if it is not one. */
export function pitchClass(root: string): number | undefined {
  if (!/^[A-G][#b]*$/.test(root)) return undefined;
  const chroma = Note.chroma(root);
  return typeof chroma === 'number' && Number.isInteger(chroma) ? chroma : undefined;
}

/** Harte qualities (and shorthand extensions) → MuVi-Sync's 13; anything else keeps its triad. */
const QUALITY_MAP: Record<string, string> = {
  maj: 'maj', min: 'min', dim: 'dim', aug: 'aug', sus2: 'sus2', sus4: 'sus4', '7': '7', maj7: 'maj7', min7: 'min7', dim7: 'dim7', hdim7: 'hdim7', maj6: 'maj6', min6: 'min6',
  '9': '7', '11': '7', '13': '7', maj9: 'maj7', maj11: 'maj7', maj13: 'maj7', min9: 'min7', min11: 'min7', min13: 'min7', minmaj7: 'min', '5': 'maj', '1': 'maj', '': 'maj',
};

/** A Harte label ("Bb:min7/b3", "N", "X") as a MuVi-Sync class, transposed down by `shift` semitones. */
export function harteClass(label: string, shift: number): number {
  if (label === 'N' || label === 'X' || label === '') return NO_CHORD;
  const [root = '', rest = ''] = label.split(':');
  const pc = pitchClass(root);
  if (pc === undefined) return NO_CHORD;
  const shorthand = rest.split('/')[0]!.replace(/\(.*\)$/, '');
  const quality = QUALITY_MAP[shorthand] ?? (shorthand.startsWith('min') ? 'min' : shorthand.startsWith('sus') ? 'sus4' : 'maj');
  const transposed = ROOTS[(((pc - shift) % 12) + 12) % 12]!;
  return chordClass(quality === 'maj' ? transposed : `${transposed}:${quality}`) ?? NO_CHORD;
}

/** Semitones from a key's tonic down to C (major) or A (minor). */
function normalisingShift(tonic: number, minor: boolean): number {
  return (((tonic - (minor ? 9 : 0)) % 12) + 12) % 12;
}

/** Chords of timed spans, sampled once per second (at the second's start, as MuVi-Sync labels are). */
function perSecond(spans: ReadonlyArray<{ start: number; end: number; label: string }>, shift: number): number[] {
  const end = Math.floor(spans.at(-1)?.end ?? 0);
  const chords: number[] = [];
  let i = 0;
  for (let t = 0; t < end; t++) {
    while (i < spans.length - 1 && spans[i]!.end <= t) i++;
    const span = spans[i]!;
    chords.push(span.start <= t && t < span.end ? harteClass(span.label, shift) : NO_CHORD);
  }
  return chords;
}

async function pop909(folder: string): Promise<ChordSequence[]> {
  const root = path.join(folder, 'pop909', 'POP909');
  const songs = (await readdir(root)).filter((name) => /^\d+$/.test(name));
  return Promise.all(
    songs.map(async (song) => {
      const spans = (await readFile(path.join(root, song, 'chord_midi.txt'), 'utf8'))
        .split('\n')
        .map((line) => line.trim().split(/\s+/))
        .filter((cells) => cells.length >= 3)
        .map(([start, end, label]) => ({ start: Number(start), end: Number(end), label: label! }));
      const key = (await readFile(path.join(root, song, 'key_audio.txt'), 'utf8')).trim().split(/\s+/)[2] ?? 'C:maj';
      const [tonic = 'C', mode = 'maj'] = key.split(':');
      const chords = perSecond(spans, normalisingShift(pitchClass(tonic) ?? 0, mode.startsWith('min')));
      return { chords, emotion: chords.map(() => -1) };
    }),
  );
}

async function billboard(folder: string): Promise<ChordSequence[]> {
  const root = path.join(folder, 'billboard', 'McGill-Billboard');
  const entries = await readdir(root);
  const sequences: ChordSequence[] = [];
  for (const entry of entries) {
    const text = await readFile(path.join(root, entry, 'salami_chords.txt'), 'utf8').catch(() => undefined);
    if (!text) continue;
    const tonic = pitchClass(/# tonic: (\S+)/.exec(text)?.[1] ?? 'C') ?? 0;
    const lines = text.split('\n').filter((line) => /^\d/.test(line)).map((line) => {
      const [time, ...rest] = line.split('\t');
      return { time: Number(time), body: rest.join('\t') };
    });
    const spans: Array<{ start: number; end: number; label: string }> = [];
    lines.forEach((line, i) => {
      const bars = line.body.split('|').slice(1, -1).map((bar) => bar.trim().split(/\s+/).filter(Boolean));
      const next = lines[i + 1]?.time ?? line.time;
      if (bars.length === 0 || next <= line.time) return;
      const barLength = (next - line.time) / bars.length;
      bars.forEach((chords, b) => {
        chords.forEach((label, c) => {
          const start = line.time + b * barLength + (c * barLength) / chords.length;
          spans.push({ start, end: start + barLength / chords.length, label: label === '.' ? (spans.at(-1)?.label ?? 'N') : label });
        });
      });
    });
    if (spans.length === 0) continue;
    // The annotations name the tonic but not the mode: minor when the tonic's own chord is mostly minor.
    const tonicChords = spans.filter((s) => pitchClass(s.label.split(':')[0] ?? '') === tonic);
    const minor = tonicChords.filter((s) => (s.label.split(':')[1] ?? '').startsWith('min')).length > tonicChords.length / 2;
    const chords = perSecond(spans, normalisingShift(tonic, minor));
    sequences.push({ chords, emotion: chords.map(() => -1) });
  }
  return sequences;
}

export async function readPretrainingSequences(dataFolder: string, sources: readonly PretrainingSource[]): Promise<ChordSequence[]> {
  const read = { pop909, billboard };
  const all: ChordSequence[] = [];
  for (const source of sources) {
    const sequences = await read[source](dataFolder).catch((error: NodeJS.ErrnoException) => {
      throw usageError(`Cannot read the ${source} annotations under '${dataFolder}' (${error.code ?? error.message}). --pretrain-data must be the folder holding pop909/ and billboard/.`);
    });
    all.push(...sequences.filter((s) => s.chords.length >= 8));
  }
  return all;
}
