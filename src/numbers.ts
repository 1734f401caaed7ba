// Small numeric helpers shared across stages.

export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, v) => sum + v, 0) / values.length;
}

export function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/** Rounded to three decimals: enough for every per-second figure v2m writes, and short JSON. */
export function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
