// tempo-steadiness: EVALUATION.md §7 read from a MIDI file's own tempo map — music that follows the
// picture must not buy its cut hits with lurches: how far the tempo jumps at once, how often it
// changes, and how short the shortest section between changes (or between section markers) is.

import type { MidiAnalysis } from './midi.js';

/** Two tempo events closer than this (relative) are the same tempo written twice. */
const SAME_TEMPO = 1e-4;

export interface TempoSteadiness {
  /** Tempo events that change the tempo, the first one included. */
  tempos: number;
  /** Largest step between consecutive tempo events, % of the earlier tempo (0 with one tempo). */
  largestStepPercent: number;
  /** The most tempo changes in any 60 s of the piece (a piece shorter than a minute counts as one minute). */
  tempoChangesPerMinute: number;
  /** Shortest stretch between section markers (or, without markers, between tempo changes), beats. */
  shortestSectionBeats: number;
}

/** The tempo events of a file as BPM at seconds, repeats of the same tempo merged. */
export function tempoEvents(midi: Pick<MidiAnalysis, 'tempo'>): Array<{ time: number; bpm: number }> {
  const events: Array<{ time: number; bpm: number }> = [];
  for (const segment of midi.tempo.segments) {
    const bpm = 60 / (segment.secondsPerTick * midi.tempo.ticksPerBeat);
    const previous = events[events.length - 1];
    if (!previous || Math.abs(bpm - previous.bpm) > SAME_TEMPO * previous.bpm) events.push({ time: segment.seconds, bpm });
  }
  return events;
}

export function tempoSteadiness(midi: Pick<MidiAnalysis, 'tempo' | 'markers' | 'duration'>): TempoSteadiness {
  const events = tempoEvents(midi);
  const steps = events.slice(1).map((event, i) => (Math.abs(event.bpm - events[i]!.bpm) / events[i]!.bpm) * 100);
  // v2m marks its sections ("section 3 · peak") and its hit points ("cut 4 · eighth"): only sections bound a section.
  const sectionMarkers = midi.markers.filter((marker) => /^section\b/i.test(marker.text));
  const boundaries = sectionMarkers.length > 0 ? sectionMarkers.map((marker) => marker.time) : events.map((event) => event.time);
  const beatOf = (seconds: number) => midi.tempo.secondsToTicks(seconds) / midi.tempo.ticksPerBeat;
  const edges = [...new Set([0, ...boundaries.filter((time) => time > 0 && time < midi.duration), midi.duration])].sort((a, b) => a - b);
  const sections = edges.slice(1).map((edge, i) => beatOf(edge) - beatOf(edges[i]!)).filter((beats) => beats > 1e-6);
  return {
    tempos: events.length,
    largestStepPercent: steps.length === 0 ? 0 : Math.max(...steps),
    tempoChangesPerMinute: mostChangesInAMinute(events.slice(1).map((event) => event.time)),
    shortestSectionBeats: sections.length === 0 ? 0 : Math.min(...sections),
  };
}

/** The most of `times` (sorted seconds) inside any 60-second window. */
function mostChangesInAMinute(times: readonly number[]): number {
  let most = 0;
  for (let first = 0, last = 0; first < times.length; first++) {
    while (last < times.length && times[last]! < times[first]! + 60) last++;
    most = Math.max(most, last - first);
  }
  return most;
}
