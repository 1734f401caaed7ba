// pop909-melody: reads one POP909 song (Wang et al. 2020, MIT) as the melody model needs it — the
// MELODY track's notes in seconds, the beat grid with its downbeats, the chord spans and the key spans
// (all from the song's own annotation files), so tokenising and evaluation work on plain records.

import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseMidi } from 'midi-file';
import { Chord, Note } from 'tonal';
import { usageError } from '../errors.js';
import { TempoTimeline } from '../render/tempo.js';
import { pop909Split, type Pop909Split } from './pop909-split.js';

export interface Pop909Note {
  time: number;
  duration: number;
  midi: number;
}

export interface Pop909Beat {
  time: number;
  /** The first beat of a 4/4 bar (beat_midi.txt's third column). */
  downbeat: boolean;
}

export interface Pop909ChordSpan {
  start: number;
  end: number;
  /** Root pitch class 0–11, or undefined for no chord ('N'). */
  root: number | undefined;
  /** Pitch classes of the chord (root first); empty for no chord. */
  pitchClasses: number[];
}

export interface Pop909KeySpan {
  start: number;
  end: number;
  tonic: number;
  minor: boolean;
}

export interface Pop909Song {
  id: string;
  melody: Pop909Note[];
  beats: Pop909Beat[];
  chords: Pop909ChordSpan[];
  keys: Pop909KeySpan[];
}

/** Harte shorthands (Harte et al. 2005) as tonal chord suffixes; others fall back to their triad. */
const HARTE_SUFFIX: Record<string, string> = {
  maj: '', min: 'm', dim: 'dim', aug: 'aug', sus2: 'sus2', sus4: 'sus4', '7': '7', maj7: 'maj7', min7: 'm7', dim7: 'dim7', hdim7: 'm7b5',
  maj6: '6', min6: 'm6', '9': '9', maj9: 'maj9', min9: 'm9', '11': '11', min11: 'm11', '13': '13', minmaj7: 'mMaj7', '5': '5', '1': '',
};

function pitchClassOf(name: string): number | undefined {
  if (!/^[A-G][#b]*$/.test(name)) return undefined;
  const chroma = Note.chroma(name);
  return typeof chroma === 'number' && Number.isInteger(chroma) ? chroma : undefined;
}

/** A Harte label ("Bb:min7/b3", "N") as root and pitch classes. */
export function harteChord(label: string): { root: number | undefined; pitchClasses: number[] } {
  const [rootName = '', rest = 'maj'] = label.split(':');
  const root = pitchClassOf(rootName);
  if (root === undefined) return { root: undefined, pitchClasses: [] };
  const shorthand = rest.split('/')[0]!.replace(/\(.*\)$/, '');
  const suffix = HARTE_SUFFIX[shorthand] ?? (shorthand.startsWith('min') ? 'm' : shorthand.startsWith('sus') ? 'sus4' : '');
  const chord = Chord.get(`${rootName}${suffix}`);
  const pitchClasses = chord.empty ? [root, (root + 4) % 12, (root + 7) % 12] : chord.notes.map((note) => Note.chroma(note) as number);
  return { root, pitchClasses };
}

function rows(text: string): string[][] {
  return text
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((cells) => cells.length >= 3);
}

/** The notes of the track named `name`, in seconds through the file's tempo map. */
function trackNotes(bytes: Uint8Array, name: string): Pop909Note[] {
  const file = parseMidi(bytes);
  const ticksPerBeat = file.header.ticksPerBeat ?? 480;
  const tempoChanges: Array<{ ticks: number; microsecondsPerBeat: number }> = [];
  const raw: Array<{ on: number; off: number; midi: number }> = [];
  for (const track of file.tracks) {
    const isWanted = track.some((event) => event.type === 'trackName' && event.text.trim() === name);
    const pending = new Map<number, number>();
    let ticks = 0;
    for (const event of track) {
      ticks += event.deltaTime;
      if (event.type === 'setTempo') tempoChanges.push({ ticks, microsecondsPerBeat: event.microsecondsPerBeat });
      if (!isWanted) continue;
      if (event.type === 'noteOn' && event.velocity > 0) pending.set(event.noteNumber, ticks);
      else if (event.type === 'noteOff' || event.type === 'noteOn') {
        const on = pending.get(event.noteNumber);
        if (on === undefined) continue;
        pending.delete(event.noteNumber);
        raw.push({ on, off: ticks, midi: event.noteNumber });
      }
    }
  }
  const tempo = TempoTimeline.fromTicks(tempoChanges, ticksPerBeat);
  return raw
    .map(({ on, off, midi }) => ({ time: tempo.ticksToSeconds(on), duration: tempo.ticksToSeconds(off) - tempo.ticksToSeconds(on), midi }))
    .sort((a, b) => a.time - b.time || b.midi - a.midi);
}

export async function readPop909Song(pop909Folder: string, id: string): Promise<Pop909Song> {
  const folder = path.join(pop909Folder, 'POP909', id);
  const read = (file: string) =>
    readFile(path.join(folder, file)).catch((error: NodeJS.ErrnoException) => {
      throw usageError(`Cannot read POP909 song ${id}: '${path.join(folder, file)}' (${error.code ?? error.message}). --data must be the folder holding pop909/.`);
    });
  const [midi, beatText, chordText, keyText] = await Promise.all([read(`${id}.mid`), read('beat_midi.txt'), read('chord_midi.txt'), read('key_audio.txt')]);
  const beats = rows(beatText.toString('utf8')).map(([time, , downbeat]) => ({ time: Number(time), downbeat: Number(downbeat) === 1 }));
  const chords = rows(chordText.toString('utf8')).map(([start, end, label]) => ({ start: Number(start), end: Number(end), ...harteChord(label!) }));
  const keys = rows(keyText.toString('utf8')).map(([start, end, label]) => {
    const [tonic = 'C', mode = 'maj'] = label!.split(':');
    return { start: Number(start), end: Number(end), tonic: pitchClassOf(tonic) ?? 0, minor: mode.startsWith('min') };
  });
  return { id, melody: trackNotes(midi, 'MELODY'), beats, chords, keys };
}

/** The song folders ('001' … '909') of one split, in order. */
export async function pop909SongIds(pop909Folder: string, split: Pop909Split): Promise<string[]> {
  const root = path.join(pop909Folder, 'POP909');
  const names = await readdir(root).catch((error: NodeJS.ErrnoException) => {
    throw usageError(`Cannot read POP909 at '${root}' (${error.code ?? error.message}). --data must be the folder holding pop909/.`);
  });
  return names.filter((name) => /^\d+$/.test(name) && pop909Split(name) === split).sort();
}

export async function readPop909Songs(pop909Folder: string, split: Pop909Split): Promise<Pop909Song[]> {
  const ids = await pop909SongIds(pop909Folder, split);
  const songs: Pop909Song[] = [];
  for (const id of ids) songs.push(await readPop909Song(pop909Folder, id));
  return songs;
}
