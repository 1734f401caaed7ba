// tempo: seconds ↔ MIDI ticks through a piecewise-constant tempo map — what a sequencer does when it
// plays a Standard MIDI File, and what v2m does to write one and to read its beats back.

export interface TempoSegment {
  ticks: number;
  seconds: number;
  /** Seconds per tick in this segment. */
  secondsPerTick: number;
}

export class TempoTimeline {
  private constructor(
    readonly ticksPerBeat: number,
    readonly segments: readonly TempoSegment[],
  ) {}

  /** From tempo changes at given seconds (a Score's tempo map). */
  static fromSeconds(changes: ReadonlyArray<{ time: number; tempoBpm: number }>, ticksPerBeat: number): TempoTimeline {
    const segments: TempoSegment[] = [];
    let ticks = 0;
    changes.forEach((change, i) => {
      const secondsPerTick = 60 / change.tempoBpm / ticksPerBeat;
      if (i > 0) {
        const previous = segments[i - 1]!;
        // Tempo changes fall on whole ticks, so the written file and this timeline agree exactly.
        ticks = Math.round(previous.ticks + (change.time - previous.seconds) / previous.secondsPerTick);
      }
      const seconds = i === 0 ? 0 : segments[i - 1]!.seconds + (ticks - segments[i - 1]!.ticks) * segments[i - 1]!.secondsPerTick;
      segments.push({ ticks, seconds, secondsPerTick });
    });
    return new TempoTimeline(ticksPerBeat, segments.length > 0 ? segments : [{ ticks: 0, seconds: 0, secondsPerTick: 0.5 / ticksPerBeat }]);
  }

  /** From tempo changes at given ticks (a MIDI file's setTempo events). */
  static fromTicks(changes: ReadonlyArray<{ ticks: number; microsecondsPerBeat: number }>, ticksPerBeat: number): TempoTimeline {
    const sorted = [...changes].sort((a, b) => a.ticks - b.ticks);
    // Before the first tempo event a MIDI file plays at 120 BPM.
    if (sorted.length === 0 || sorted[0]!.ticks > 0) sorted.unshift({ ticks: 0, microsecondsPerBeat: 500000 });
    const segments: TempoSegment[] = [];
    for (const change of sorted) {
      const previous = segments[segments.length - 1];
      const seconds = previous ? previous.seconds + (change.ticks - previous.ticks) * previous.secondsPerTick : 0;
      const segment = { ticks: change.ticks, seconds, secondsPerTick: change.microsecondsPerBeat / 1e6 / ticksPerBeat };
      if (previous && previous.ticks === change.ticks) segments[segments.length - 1] = segment;
      else segments.push(segment);
    }
    return new TempoTimeline(ticksPerBeat, segments);
  }

  secondsToTicks(seconds: number): number {
    const segment = this.segmentWhere((s) => s.seconds <= seconds + 1e-9);
    return Math.round(segment.ticks + (seconds - segment.seconds) / segment.secondsPerTick);
  }

  ticksToSeconds(ticks: number): number {
    const segment = this.segmentWhere((s) => s.ticks <= ticks);
    return segment.seconds + (ticks - segment.ticks) * segment.secondsPerTick;
  }

  /** The last segment that satisfies `starts` (segments are in time order). */
  private segmentWhere(starts: (segment: TempoSegment) => boolean): TempoSegment {
    let low = 0;
    let high = this.segments.length - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (starts(this.segments[middle]!)) low = middle;
      else high = middle - 1;
    }
    return this.segments[low]!;
  }
}
