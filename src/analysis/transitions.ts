// transitions: gradual shot boundaries — fades to and from black — found from per-frame brightness.
// A hard cut is one frame; a fade takes a while, so it is reported as a soft boundary with a start,
// an end and the moment of black between them. (Dissolves between two pictures are not detected yet.)

import { round3 } from '../numbers.js';

export interface Transition {
  kind: 'fade-out' | 'fade-in' | 'fade';
  /** When the picture starts to darken (fade-out, fade) or first shows black (fade-in), seconds. */
  start: number;
  /** When the picture is back (fade-in, fade) or last shows black (fade-out), seconds. */
  end: number;
  /** The boundary between the shots: the middle of the black. */
  time: number;
}

/** Mean luma (0–1) under which a frame counts as black. */
const BLACK_LUMA = 0.04;
/** A darkening or brightening must last this many frames to be a fade rather than a cut to black. */
const MIN_FADE_FRAMES = 3;
/** How far back and forward a fade is followed. */
const MAX_FADE_SECONDS = 3;

export function detectFades(brightness: ArrayLike<number>, framesPerSecond: number): Transition[] {
  const transitions: Transition[] = [];
  const maxFrames = Math.round(MAX_FADE_SECONDS * framesPerSecond);
  const at = (frame: number) => frame / framesPerSecond;
  for (let frame = 0; frame < brightness.length; frame++) {
    if (brightness[frame]! >= BLACK_LUMA) continue;
    const blackStart = frame;
    while (frame + 1 < brightness.length && brightness[frame + 1]! < BLACK_LUMA) frame += 1;
    const blackEnd = frame;
    let outStart = blackStart;
    while (outStart > 0 && blackStart - outStart < maxFrames && brightness[outStart - 1]! > brightness[outStart]!) outStart -= 1;
    let inEnd = blackEnd;
    while (inEnd + 1 < brightness.length && inEnd - blackEnd < maxFrames && brightness[inEnd + 1]! > brightness[inEnd]!) inEnd += 1;
    const fadesOut = blackStart - outStart >= MIN_FADE_FRAMES;
    const fadesIn = inEnd - blackEnd >= MIN_FADE_FRAMES;
    // Black at the very start or end of the video is an opening or a closing, not a boundary.
    const opening = blackStart === 0;
    const closing = blackEnd === brightness.length - 1;
    if (opening || closing || (!fadesOut && !fadesIn)) continue;
    const kind = fadesOut && fadesIn ? 'fade' : fadesOut ? 'fade-out' : 'fade-in';
    transitions.push({
      kind,
      start: round3(at(fadesOut ? outStart : blackStart)),
      end: round3(at(fadesIn ? inEnd : blackEnd)),
      time: round3(at((blackStart + blackEnd + 1) / 2)),
    });
  }
  return transitions;
}
