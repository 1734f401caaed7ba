// diversity: EVALUATION.md §6 across videos — different clips at one seed must not all come out in
// the same key, tempo, density and register. Each piece's character is read from its MIDI file.

import { estimateKey, keyLabel, type EstimatedKey } from './key.js';
import type { MidiAnalysis } from './midi.js';
import { median } from './corpus-stats.js';
import { spread } from './overlap.js';

export interface PieceCharacter {
  key: EstimatedKey | undefined;
  /** From the median beat interval of the tempo map. */
  tempoBpm: number;
  /** Pitched notes per second. */
  notesPerSecond: number;
  /** Mean MIDI pitch of the pitched notes. */
  meanPitch: number;
}

export function pieceCharacter(midi: Pick<MidiAnalysis, 'notes' | 'beats' | 'duration'>): PieceCharacter {
  const pitched = midi.notes.filter((note) => !note.isDrums);
  const beatSeconds = median(midi.beats.slice(1).map((beat, i) => beat - midi.beats[i]!));
  return {
    key: estimateKey(pitched),
    tempoBpm: beatSeconds > 0 ? 60 / beatSeconds : 0,
    notesPerSecond: midi.duration > 0 ? pitched.length / midi.duration : 0,
    meanPitch: pitched.length === 0 ? 0 : pitched.reduce((sum, note) => sum + note.midi, 0) / pitched.length,
  };
}

export interface Diversity {
  pieces: number;
  /** Distinct tonics (pitch classes) and modes of the estimated keys. */
  tonics: number;
  modes: number;
  keys: string[];
  tempoSdBpm: number;
  densitySdNotesPerSecond: number;
  registerSdSemitones: number;
}

export function diversity(pieces: readonly PieceCharacter[]): Diversity {
  const keys = pieces.flatMap((piece) => (piece.key ? [piece.key] : []));
  return {
    pieces: pieces.length,
    tonics: new Set(keys.map((key) => key.tonicPitchClass)).size,
    modes: new Set(keys.map((key) => key.mode)).size,
    keys: keys.map(keyLabel),
    tempoSdBpm: spread(pieces.map((piece) => piece.tempoBpm)).sd,
    densitySdNotesPerSecond: spread(pieces.map((piece) => piece.notesPerSecond)).sd,
    registerSdSemitones: spread(pieces.map((piece) => piece.meanPitch)).sd,
  };
}
