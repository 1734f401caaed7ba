// midi: the Score as a Standard MIDI File — one track per instrument, the tempo map that puts every
// beat on its second, General MIDI programs, drums on channel 10.

import tonejsMidi from '@tonejs/midi';
import type { Score } from '../compose/score.js';

const { Midi } = tonejsMidi;
/** MIDI channel 10 (index 9) is the General MIDI percussion channel. */
const DRUM_CHANNEL = 9;
const PULSES_PER_QUARTER = 480;

export function scoreToMidi(score: Score, title = 'v2m'): Uint8Array {
  const midi = new Midi();
  midi.name = title;
  midi.header.tempos = [];
  let ticks = 0;
  score.tempoMap.forEach((change, index) => {
    midi.header.tempos.push({ ticks: Math.round(ticks), bpm: change.tempoBpm });
    const next = score.tempoMap[index + 1]?.time ?? score.duration;
    ticks += ((next - change.time) * change.tempoBpm * PULSES_PER_QUARTER) / 60;
  });
  midi.header.timeSignatures.push({ ticks: 0, timeSignature: [score.beatsPerBar, 4] });
  midi.header.update();

  let nextChannel = 0;
  for (const part of score.tracks) {
    if (part.notes.length === 0) continue;
    const track = midi.addTrack();
    track.name = part.name;
    if (part.isDrums) {
      track.channel = DRUM_CHANNEL;
    } else {
      if (nextChannel === DRUM_CHANNEL) nextChannel += 1;
      track.channel = nextChannel++;
      track.instrument.number = part.program;
    }
    for (const note of part.notes) {
      const startTicks = midi.header.secondsToTicks(note.time);
      const endTicks = midi.header.secondsToTicks(note.time + note.duration);
      track.addNote({
        midi: note.midi,
        ticks: startTicks,
        durationTicks: Math.max(1, endTicks - startTicks),
        velocity: note.velocity0to127 / 127,
      });
    }
  }
  return midi.toArray();
}
