// A small seeded random number generator (mulberry32): every sampler in v2m takes one of these, made
// from the user's seed, so the same input and seed always give the same music.

export type Rng = () => number;

export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The random stream of one named decision (`'harmony'`, `'melody'`, `'drums'`…) under the user's
 * seed: each decision draws from its own stream, so changing how one part is written leaves every
 * other part of the same seed as it was.
 */
export function streamRng(seed: number, name: string): Rng {
  return createRng(streamSeed(seed, name));
}

/** The seed of a named stream: FNV-1a over the name, mixed with the user's seed. */
export function streamSeed(seed: number, name: string): number {
  let hash = 0x811c9dc5 ^ Math.imul(seed >>> 0, 0x9e3779b1);
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  if (items.length === 0) throw new Error('pick from an empty list');
  return items[Math.floor(rng() * items.length)]!;
}
