// span: the timeline the music is written to, when that is not the whole video — a span of it
// (`--from/--to`: what the picture does there, on the span's own clock from 0) and/or a length of its
// own (`--duration`: shorter cuts the picture's timeline, longer holds its last second's picture,
// with no cut, to the end). Pure: the whole video's timeline is read, never changed.

import type { VideoTimeline } from './timeline.js';

export interface MusicSpan {
  /** Where the music starts in the video, seconds (default 0). */
  from?: number;
  /** Where the scored span ends in the video, seconds (default: the video's end). */
  to?: number;
  /** The music's length, seconds (default: the span's). */
  duration?: number;
}

/** The timeline of `span` on its own clock (0 = `from`), `duration` long: what compose writes to. */
export function fitTimeline(timeline: VideoTimeline, span: MusicSpan): VideoTimeline {
  const from = span.from ?? 0;
  const to = span.to ?? timeline.duration;
  const spanned = from === 0 && to === timeline.duration ? timeline : shiftedSlice(timeline, from, to - from);
  const duration = span.duration ?? spanned.duration;
  return duration === spanned.duration ? spanned : shiftedSlice(spanned, 0, duration);
}

/** Seconds in a per-second array over `duration`: its whole seconds, a partial last one included. */
export function secondsIn(duration: number): number {
  return Math.max(1, Math.ceil(duration - 1e-6));
}

/**
 * The picture from `from` for `length` seconds, times shifted so that `from` is 0. Where it runs past
 * the video's end, every per-second value holds the last second's (a held last frame: no cuts, no
 * motion beats, the same light and mood) and the shot's age keeps counting.
 */
function shiftedSlice(timeline: VideoTimeline, from: number, length: number): VideoTimeline {
  const seconds = secondsIn(length);
  const last = timeline.seconds - 1;
  // The span's second s shows the video's second holding its start (the last one past the end).
  const sourceSecond = (s: number) => Math.min(last, Math.max(0, Math.floor(from + s + 1e-6)));
  const perSecond = <T>(values: readonly T[]): T[] => Array.from({ length: seconds }, (_, s) => values[Math.min(values.length - 1, sourceSecond(s))]!);
  const inside = (time: number) => time > from + 1e-6 && time < from + length - 1e-6;
  const shift = <T extends { time: number }>(events: readonly T[]): T[] => events.filter((event) => inside(event.time)).map((event) => ({ ...event, time: event.time - from }));
  const { features, motionCurve, faces, emotion } = timeline;
  const curveStart = Math.round(from * motionCurve.rateHz);
  const curveLength = Math.max(1, Math.round(length * motionCurve.rateHz));
  const curveLast = motionCurve.values.length - 1;
  return {
    ...timeline,
    duration: length,
    seconds,
    cuts: shift(timeline.cuts),
    rejectedCuts: shift(timeline.rejectedCuts),
    transitions: shift(timeline.transitions).map((transition) => ({
      ...transition,
      start: Math.max(0, transition.start - from),
      end: Math.min(length, transition.end - from),
    })),
    visualBeats: shift(timeline.visualBeats),
    motionCurve: { ...motionCurve, values: Array.from({ length: curveLength }, (_, i) => motionCurve.values[Math.min(curveLast, curveStart + i)] ?? 0) },
    features: {
      motion: perSecond(features.motion),
      motionMean: perSecond(features.motionMean),
      cameraMotion: perSecond(features.cameraMotion),
      sceneMotion: perSecond(features.sceneMotion),
      brightness: perSecond(features.brightness),
      contrast: perSecond(features.contrast),
      saturation: perSecond(features.saturation),
      colourfulness: perSecond(features.colourfulness),
      warmth: perSecond(features.warmth),
      // Seconds since the shot began: past the video's end the last shot simply goes on.
      sceneOffset: Array.from({ length: seconds }, (_, s) => {
        const source = sourceSecond(s);
        return (features.sceneOffset[source] ?? 0) + Math.max(0, Math.floor(from + s + 1e-6) - source);
      }),
    },
    faces: faces && {
      ...faces,
      count: perSecond(faces.count),
      largestArea: perSecond(faces.largestArea),
      expressions: perSecond(faces.expressions),
      objects: perSecond(faces.objects),
    },
    emotion: { ...emotion, probabilities: perSecond(emotion.probabilities), valence: perSecond(emotion.valence), arousal: perSecond(emotion.arousal) },
  };
}
