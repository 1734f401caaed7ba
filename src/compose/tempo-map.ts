// tempo-map: the click track, set the way a film composer sets one. One tempo — or, only where it pays,
// a few gentle changes — at which the important hit points (cuts, fades, dissolves) fall on a beat or
// an eighth within a video frame. Hit points that cannot be reached without lurching are left to
// musical devices (an accent played on the frame); the plan says which hit landed how.
//
// The search is a dynamic programme over "anchors": hit points where a new constant-tempo segment
// starts exactly on a beat. A segment between two anchors holds a whole number of beats; the hits
// inside it land wherever that steady grid puts them. Each change of tempo costs (a composer does not
// want them), may not exceed the freedom's step, and a segment must hold at least a bar or so.

export const TEMPO_FREEDOMS = ['none', 'few', 'free'] as const;
/** How far v2m may bend the tempo: `none` one tempo, `few` a few ≤ 8 % changes, `free` as many as the cuts ask. */
export type TempoFreedom = (typeof TEMPO_FREEDOMS)[number];

export interface HitPoint {
  time: number;
  /** How much landing this hit matters, 0–1: strong, confident cuts most, soft boundaries less. */
  weight: number;
  kind: 'cut' | 'fade' | 'dissolve';
}

/**
 * Where a hit point landed: on the first beat of a bar, on another beat, on an eighth or a sixteenth
 * between beats, or off the grid — then it is marked with an accent played on its own frame.
 */
export type Landing = 'downbeat' | 'beat' | 'eighth' | 'sixteenth' | 'accent';

export interface PlacedHit extends HitPoint {
  landing: Landing;
  /** Seconds from the hit to the nearest beat or eighth of the grid (signed: grid − hit). */
  offset: number;
}

/** A stretch of constant tempo; it starts exactly on a beat. */
export interface TempoSegment {
  start: number;
  tempoBpm: number;
}

export interface TempoMapOptions {
  /** The tempo the picture asks for (or the user's). */
  referenceBpm: number;
  /** The user's `--tempo`: exactly this tempo, no change at all. */
  locked: boolean;
  freedom: TempoFreedom;
  duration: number;
  /** How close counts as landing: one video frame. */
  toleranceSeconds: number;
}

interface FreedomRules {
  /** Largest ratio between consecutive tempi. */
  maxStep: number;
  /** Fewest beats between two anchors (a segment shorter than this would be a lurch). */
  minSegmentBeats: number;
  /** Cost of a tempo change, in units of one fully weighted hit point missed. */
  changeCost: number;
  maxChangesPerMinute: number;
}

const RULES: Record<Exclude<TempoFreedom, 'none'>, FreedomRules> = {
  few: { maxStep: 1.08, minSegmentBeats: 4, changeCost: 0.4, maxChangesPerMinute: 4 },
  free: { maxStep: 1.4, minSegmentBeats: 2, changeCost: 0.1, maxChangesPerMinute: 60 },
};

/** An unlocked tempo stays within this factor of the reference. */
const TEMPO_SPAN = 1.2;
const SLOWEST_BPM = 40;
const FASTEST_BPM = 220;
/** A hit on an eighth or a sixteenth is worth less than one on a beat: these shares of its weight are lost. */
const EIGHTH_PENALTY = 0.35;
const SIXTEENTH_PENALTY = 0.85;
/** Straying 8 % from the reference for a minute costs this many missed hits. */
const DEVIATION_COST_PER_MINUTE = 2;
/** Anchors further back than this are not tried as the start of a segment (bounds the search). */
const MAX_PREDECESSORS = 24;
/** States kept per anchor (the best, by cost, over distinct tempi). */
const MAX_STATES = 48;
/** Tempi this close (as a ratio) are the same tempo. */
const SAME_TEMPO = 1e-9;

export interface TempoMap {
  segments: TempoSegment[];
  hits: PlacedHit[];
}

export function planTempoMap(hits: readonly HitPoint[], options: TempoMapOptions): TempoMap {
  const sorted = [...hits].sort((a, b) => a.time - b.time);
  const range = tempoRange(options);
  let segments: TempoSegment[];
  if (options.locked || options.freedom === 'none') {
    segments = [{ start: 0, tempoBpm: options.locked ? options.referenceBpm : bestSingleTempo(sorted, options, range).tempoBpm }];
  } else {
    const rules = RULES[options.freedom];
    const allowed = Math.max(1, Math.round((rules.maxChangesPerMinute * options.duration) / 60));
    // More changes than the freedom allows: make each one dearer until the plan fits.
    let changeCost = rules.changeCost;
    // No anchor at all is always a candidate: the best single tempo, searched once for every attempt.
    const single = bestSingleTempo(sorted, options, range).tempoBpm;
    segments = searchSegments(sorted, options, range, { ...rules, changeCost }, single);
    for (let attempt = 0; attempt < 8 && segments.length - 1 > allowed; attempt++) {
      changeCost *= 2;
      segments = searchSegments(sorted, options, range, { ...rules, changeCost }, single);
    }
  }
  return { segments, hits: sorted.map((hit) => placeOnGrid(hit, segments, options.toleranceSeconds)) };
}

interface Range {
  low: number;
  high: number;
}

function tempoRange(options: TempoMapOptions): Range {
  return {
    low: Math.max(SLOWEST_BPM, options.referenceBpm / TEMPO_SPAN),
    high: Math.min(FASTEST_BPM, options.referenceBpm * TEMPO_SPAN),
  };
}

/** What missing `hit` costs on a grid of beats `beatSeconds` apart that has a beat at `origin`. */
function gridCost(hit: HitPoint, origin: number, beatSeconds: number, tolerance: number): number {
  const position = (hit.time - origin) / beatSeconds;
  if (Math.abs(position - Math.round(position)) * beatSeconds <= tolerance) return 0;
  if (Math.abs(2 * position - Math.round(2 * position)) * (beatSeconds / 2) <= tolerance) return EIGHTH_PENALTY * hit.weight;
  if (Math.abs(4 * position - Math.round(4 * position)) * (beatSeconds / 4) <= tolerance) return SIXTEENTH_PENALTY * hit.weight;
  return hit.weight;
}

function deviationCost(tempoBpm: number, seconds: number, referenceBpm: number): number {
  return ((DEVIATION_COST_PER_MINUTE * seconds) / 60) * (Math.abs(Math.log(tempoBpm / referenceBpm)) / Math.log(1.08));
}

function costFrom(hits: readonly HitPoint[], origin: number, tempoBpm: number, tolerance: number): number {
  let cost = 0;
  for (const hit of hits) cost += gridCost(hit, origin, 60 / tempoBpm, tolerance);
  return cost;
}

/** The one tempo from the start that lands the most (and the most important) hit points. */
function bestSingleTempo(hits: readonly HitPoint[], options: TempoMapOptions, range: Range): { tempoBpm: number; cost: number } {
  let best = { tempoBpm: options.referenceBpm, cost: costFrom(hits, 0, options.referenceBpm, options.toleranceSeconds) };
  // Steps fine enough that the last hit moves by well under the tolerance between two candidates.
  const lastHit = hits.length > 0 ? hits[hits.length - 1]!.time : 1;
  const ratioStep = Math.max(1e-5, options.toleranceSeconds / Math.max(1, lastHit) / 2);
  for (let tempo = range.low; tempo <= range.high; tempo *= 1 + ratioStep) {
    const cost = costFrom(hits, 0, tempo, options.toleranceSeconds) + deviationCost(tempo, options.duration, options.referenceBpm);
    if (cost < best.cost - 1e-9) best = { tempoBpm: tempo, cost };
  }
  return best;
}

interface State {
  cost: number;
  tempoBpm: number;
  /** The anchor this state's segment started at (−1: the start of the piece) and the state there. */
  from: State | undefined;
  anchor: number;
}

/**
 * The dynamic programme: for every hit point as an anchor, the cheapest ways (one per tempo) to reach
 * it on a beat from the start through earlier anchors; then the cheapest way to carry on to the end.
 */
function searchSegments(hits: readonly HitPoint[], options: TempoMapOptions, range: Range, rules: FreedomRules, singleTempoBpm: number): TempoSegment[] {
  const tolerance = options.toleranceSeconds;
  const maxStepLog = Math.log(rules.maxStep);
  const states: State[][] = hits.map(() => []);
  const start: State = { cost: 0, tempoBpm: 0, from: undefined, anchor: -1 };
  let best: State | undefined;
  let bestCost = Infinity;
  // Ending after anchor j (or with no anchor at all), at the tempo that reached it.
  const finish = (state: State, from: number, origin: number) => {
    const after = hits.slice(from + 1);
    const cost = state.cost + costFrom(after, origin, state.tempoBpm, tolerance) + deviationCost(state.tempoBpm, options.duration - origin, options.referenceBpm);
    if (cost < bestCost) {
      bestCost = cost;
      best = state;
    }
  };
  finish({ cost: 0, tempoBpm: singleTempoBpm, from: start, anchor: -1 }, -1, 0);
  for (let j = 0; j < hits.length; j++) {
    const anchorTime = hits[j]!.time;
    if (options.duration - anchorTime < 60 / range.high) continue;
    const candidates = new Map<number, State>();
    for (let i = j - 1; i >= Math.max(-1, j - MAX_PREDECESSORS - 1); i--) {
      const origin = i < 0 ? 0 : hits[i]!.time;
      const span = anchorTime - origin;
      const incoming = i < 0 ? [start] : states[i]!;
      if (incoming.length === 0) continue;
      const between = hits.slice(i + 1, j);
      // The opening segment may be a short pickup; later ones hold at least the freedom's minimum.
      const minBeats = i < 0 ? 2 : rules.minSegmentBeats;
      for (let beats = Math.max(minBeats, Math.ceil((span * range.low) / 60)); beats <= Math.floor((span * range.high) / 60); beats++) {
        const tempoBpm = (60 * beats) / span;
        const segmentCost = costFrom(between, origin, tempoBpm, tolerance) + deviationCost(tempoBpm, span, options.referenceBpm);
        for (const previous of incoming) {
          let change = 0;
          if (previous !== start) {
            const step = Math.abs(Math.log(tempoBpm / previous.tempoBpm));
            if (step > maxStepLog) continue;
            if (step > SAME_TEMPO) change = rules.changeCost;
          }
          const cost = previous.cost + segmentCost + change;
          const bin = Math.round(Math.log(tempoBpm) / 0.0025);
          const known = candidates.get(bin);
          if (!known || cost < known.cost) candidates.set(bin, { cost, tempoBpm, from: previous, anchor: j });
        }
      }
    }
    states[j] = [...candidates.values()].sort((a, b) => a.cost - b.cost).slice(0, MAX_STATES);
    for (const state of states[j]!) finish(state, j, anchorTime);
  }
  return segmentsOf(best!, hits);
}

/** Walks the chosen states back to the start; consecutive segments at one tempo become one. */
function segmentsOf(last: State, hits: readonly HitPoint[]): TempoSegment[] {
  const chain: TempoSegment[] = [];
  for (let state: State | undefined = last; state && state.tempoBpm > 0; state = state.from) {
    const origin = state.from && state.from.anchor >= 0 ? hits[state.from.anchor]!.time : 0;
    chain.unshift({ start: origin, tempoBpm: state.tempoBpm });
  }
  return chain.filter((segment, i) => i === 0 || Math.abs(Math.log(segment.tempoBpm / chain[i - 1]!.tempoBpm)) > SAME_TEMPO);
}

/** Where a hit falls on the segments' grid: on a beat, an eighth, a sixteenth, or nowhere (an accent). */
function placeOnGrid(hit: HitPoint, segments: readonly TempoSegment[], tolerance: number): PlacedHit {
  const segment = [...segments].reverse().find((s) => s.start <= hit.time + 1e-9) ?? segments[0]!;
  const beatSeconds = 60 / segment.tempoBpm;
  const position = (hit.time - segment.start) / beatSeconds;
  const beatOffset = (Math.round(position) - position) * beatSeconds;
  if (Math.abs(beatOffset) <= tolerance) return { ...hit, landing: 'beat', offset: beatOffset };
  const eighthOffset = ((Math.round(2 * position) - 2 * position) * beatSeconds) / 2;
  if (Math.abs(eighthOffset) <= tolerance) return { ...hit, landing: 'eighth', offset: eighthOffset };
  const sixteenthOffset = ((Math.round(4 * position) - 4 * position) * beatSeconds) / 4;
  if (Math.abs(sixteenthOffset) <= tolerance) return { ...hit, landing: 'sixteenth', offset: sixteenthOffset };
  return { ...hit, landing: 'accent', offset: sixteenthOffset };
}
