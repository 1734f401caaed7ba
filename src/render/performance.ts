// performance: the Score as a time-ordered stream of synthesizer events (program changes, note-ons,
// note-offs), produced lazily — a merge of the tracks' sorted notes plus a heap of pending note-offs —
// so the synthesizer plays the Score directly, without a second copy of every note in memory.

import type { Score } from '../compose/score.js';
import { assignChannels } from './midi.js';

export type PerformanceEvent =
  | { time: number; kind: 'program'; channel: number; program: number }
  | { time: number; kind: 'on'; channel: number; midi: number; velocity: number }
  | { time: number; kind: 'off'; channel: number; midi: number };

type NoteOff = Extract<PerformanceEvent, { kind: 'off' }>;

export function* performanceEvents(score: Score): Generator<PerformanceEvent> {
  const channels = assignChannels(score.tracks);
  const parts = score.tracks
    .map((track, index) => ({ track, channel: channels[index], next: 0 }))
    .filter((part): part is { track: Score['tracks'][number]; channel: number; next: number } => part.channel !== undefined);
  for (const { track, channel } of parts) {
    if (!track.isDrums) yield { time: 0, kind: 'program', channel, program: track.program };
    // Arrangers write notes in (nearly) time order; make it exact once.
    track.notes.sort((a, b) => a.time - b.time);
  }
  const offs = new MinHeap<NoteOff>((a, b) => a.time - b.time);
  for (;;) {
    let earliest: (typeof parts)[number] | undefined;
    for (const part of parts) {
      const note = part.track.notes[part.next];
      if (note && (!earliest || note.time < earliest.track.notes[earliest.next]!.time)) earliest = part;
    }
    const nextOn = earliest?.track.notes[earliest.next];
    // Offs first at equal times, so a repeated note is released before it sounds again.
    if (offs.size > 0 && (!nextOn || offs.peek()!.time <= nextOn.time)) {
      yield offs.pop()!;
      continue;
    }
    if (!earliest || !nextOn) return;
    earliest.next += 1;
    yield { time: nextOn.time, kind: 'on', channel: earliest.channel, midi: nextOn.midi, velocity: Math.max(1, Math.min(127, Math.round(nextOn.velocity0to127))) };
    offs.push({ time: nextOn.time + nextOn.duration, kind: 'off', channel: earliest.channel, midi: nextOn.midi });
  }
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
