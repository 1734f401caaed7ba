// performance: the Score as a time-ordered stream of synthesizer events (program changes, controller
// changes, note-ons, note-offs), produced lazily — a merge of the tracks' sorted notes and controls plus
// a heap of pending note-offs — so the synthesizer plays the Score directly, without a second copy of
// every note in memory.

import type { ControlChange, Note, Score, Track } from '../compose/score.js';
import { assignChannels } from './midi.js';

export type PerformanceEvent =
  | { time: number; kind: 'program'; channel: number; program: number }
  | { time: number; kind: 'control'; channel: number; controller: number; value: number }
  | { time: number; kind: 'on'; channel: number; midi: number; velocity: number }
  | { time: number; kind: 'off'; channel: number; midi: number };

type NoteOff = Extract<PerformanceEvent, { kind: 'off' }>;

interface Part {
  channel: number;
  /** General MIDI program; undefined for drums (channel 10 plays its kit without one). */
  program: number | undefined;
  notes: readonly Note[];
  controls: readonly ControlChange[];
  nextNote: number;
  nextControl: number;
}

/** `playing`: the indices of the tracks to play (a stem); default all. Channels stay those of the whole score. */
export function* performanceEvents(score: Score, playing?: ReadonlySet<number>): Generator<PerformanceEvent> {
  const channels = assignChannels(score.tracks);
  const parts: Part[] = [];
  score.tracks.forEach((track: Track, index) => {
    const channel = channels[index];
    if (channel === undefined || (playing && !playing.has(index))) return;
    // Arrangers write notes in (nearly) time order; make it exact once.
    track.notes.sort((a, b) => a.time - b.time);
    const controls = [...(track.controls ?? [])].sort((a, b) => a.time - b.time);
    parts.push({ channel, program: track.isDrums ? undefined : track.program, notes: track.notes, controls, nextNote: 0, nextControl: 0 });
  });
  for (const part of parts) {
    if (part.program !== undefined) yield { time: 0, kind: 'program', channel: part.channel, program: part.program };
  }
  const offs = new MinHeap<NoteOff>((a, b) => a.time - b.time);
  for (;;) {
    const noteOn = earliest(parts, (part) => part.notes[part.nextNote]?.time);
    const control = earliest(parts, (part) => part.controls[part.nextControl]?.time);
    const onTime = noteOn ? noteOn.notes[noteOn.nextNote]!.time : Number.POSITIVE_INFINITY;
    const controlTime = control ? control.controls[control.nextControl]!.time : Number.POSITIVE_INFINITY;
    // At equal times: offs first (a repeated note is released before it sounds again), then controllers
    // (pan and pedal are set before the note they shape), then note-ons.
    if (offs.size > 0 && offs.peek()!.time <= Math.min(onTime, controlTime)) {
      yield offs.pop()!;
      continue;
    }
    if (control && controlTime <= onTime) {
      const change = control.controls[control.nextControl++]!;
      yield { time: change.time, kind: 'control', channel: control.channel, controller: change.controller, value: Math.max(0, Math.min(127, Math.round(change.value0to127))) };
      continue;
    }
    if (!noteOn) return;
    const note = noteOn.notes[noteOn.nextNote++]!;
    yield { time: note.time, kind: 'on', channel: noteOn.channel, midi: note.midi, velocity: Math.max(1, Math.min(127, Math.round(note.velocity0to127))) };
    offs.push({ time: note.time + note.duration, kind: 'off', channel: noteOn.channel, midi: note.midi });
  }
}

/** The part whose next item (by `timeOf`) comes first; undefined when every part is done. */
function earliest(parts: readonly Part[], timeOf: (part: Part) => number | undefined): Part | undefined {
  let best: Part | undefined;
  let bestTime = Number.POSITIVE_INFINITY;
  for (const part of parts) {
    const time = timeOf(part);
    if (time !== undefined && time < bestTime) {
      best = part;
      bestTime = time;
    }
  }
  return best;
}

/** A binary min-heap: the pending note-offs (a few dozen at a time). */
class MinHeap<T> {
  private readonly items: T[] = [];

  constructor(private readonly before: (a: T, b: T) => number) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const items = this.items;
    items.push(item);
    for (let i = items.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (this.before(items[i]!, items[parent]!) >= 0) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      for (let i = 0; ; ) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < items.length && this.before(items[left]!, items[smallest]!) < 0) smallest = left;
        if (right < items.length && this.before(items[right]!, items[smallest]!) < 0) smallest = right;
        if (smallest === i) break;
        [items[i], items[smallest]] = [items[smallest]!, items[i]!];
        i = smallest;
      }
    }
    return top;
  }
}
