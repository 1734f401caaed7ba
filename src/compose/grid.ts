// The beat grid: every beat of the piece with its bar and section, and the tempo map that a MIDI
// file needs to put those beats at the right seconds.

import type { Beat, ScorePlan, TempoChange } from './score.js';

export function beatGrid(plan: ScorePlan): Beat[] {
  const beats: Beat[] = [];
  plan.sections.forEach((section, sectionIndex) => {
    const beatSeconds = (section.end - section.start) / section.beats;
    for (let b = 0; b < section.beats; b++) {
      beats.push({
        time: section.start + b * beatSeconds,
        duration: beatSeconds,
        bar: Math.floor(b / plan.beatsPerBar),
        beatInBar: b % plan.beatsPerBar,
        section: sectionIndex,
      });
    }
  });
  return beats;
}

export function tempoMap(plan: ScorePlan): TempoChange[] {
  return plan.sections.map((section) => ({ time: section.start, tempoBpm: section.tempoBpm }));
}
