// muvisync: reads the MuVi-Sync data set (Video2Music) as published — per-second .lab files per
// video id — into one record per video. Missing or malformed files are errors that name the file.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { EMOTIONS } from '../analysis/emotion.js';
import { usageError } from '../errors.js';
import { chordClass } from './vocabulary.js';

export type Split = 'train' | 'val' | 'test';

export interface MuviVideo {
  id: string;
  /** Key of the original, before the labels were normalised to C major / A minor. */
  normalisedKey: string;
  /** One chord class per second (normalised key). */
  chords: number[];
  /** Per second, probabilities in EMOTIONS order. */
  emotion: number[][];
  motion: number[];
  sceneOffset: number[];
  loudness: number[];
  noteDensity: number[];
}

export async function readSplit(dataFolder: string, split: Split): Promise<string[]> {
  const file = path.join(dataFolder, 'vevo_meta', 'split', 'v1', `${split}.txt`);
  return (await readText(file)).split(/\s+/).filter(Boolean);
}

export async function readVideo(dataFolder: string, id: string): Promise<MuviVideo> {
  const lab = (feature: string) => path.join(dataFolder, feature, 'all', `${id}.lab`);
  const chordFile = path.join(dataFolder, 'vevo_chord', 'lab_v2_norm', 'all', `${id}.lab`);
  const chordLines = lines(await readText(chordFile));
  const key = chordLines[0]?.startsWith('key ') ? chordLines.shift()!.slice(4) : 'C major';
  const chords = chordLines.map((line) => {
    const label = line.split(/\s+/)[1] ?? '';
    const index = chordClass(label);
    if (index === undefined) throw usageError(`Unknown chord '${label}' in ${chordFile}: MuVi-Sync labels are N, a root C…B, or root:quality.`);
    return index;
  });
  const emotionLines = lines(await readText(lab('vevo_emotion/6c_l14p')));
  if (emotionLines[0]?.startsWith('time')) emotionLines.shift();
  const emotion = emotionLines.map((line) => line.split(/\s+/).slice(1, 1 + EMOTIONS.length).map(Number));
  return {
    id,
    normalisedKey: key,
    chords,
    emotion,
    motion: values(await readText(lab('vevo_motion'))),
    sceneOffset: values(await readText(lab('vevo_scene_offset'))),
    loudness: values(await readText(lab('vevo_loudness'))),
    noteDensity: values(await readText(lab('vevo_note_density'))),
  };
}

/** All videos of a split, skipping none: a missing file is an error. */
export async function readVideos(dataFolder: string, split: Split): Promise<MuviVideo[]> {
  const ids = await readSplit(dataFolder, split);
  return Promise.all(ids.map((id) => readVideo(dataFolder, id)));
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw usageError(`Cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). --data must be the MuVi-Sync folder (with vevo_chord, vevo_meta…).`);
  }
}

function lines(text: string): string[] {
  return text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
}

/** The second column of "<second> <value>" lines. */
function values(text: string): number[] {
  return lines(text).map((line) => Number(line.split(/\s+/)[1]));
}
