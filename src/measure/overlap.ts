// overlap: how alike two samples of one feature are — the overlapped area of their Gaussian kernel
// density estimates (1 = the same distribution, 0 = nothing in common), as MGEval reports it.

/** Points of the grid the two densities are integrated on. */
const GRID_POINTS = 2048;
/** The grid reaches this many bandwidths past the outermost values, where a Gaussian has no mass left. */
const GRID_REACH = 5;

export interface Spread {
  mean: number;
  sd: number;
  count: number;
}

/** Mean and (population) standard deviation. */
export function spread(values: readonly number[]): Spread {
  const count = values.length;
  if (count === 0) return { mean: NaN, sd: NaN, count };
  const mean = values.reduce((sum, v) => sum + v, 0) / count;
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / count;
  return { mean, sd: Math.sqrt(variance), count };
}

/** Scott's rule for one dimension: sd · n^(-1/5). */
export function scottBandwidth(values: readonly number[]): number {
  return spread(values).sd * values.length ** -0.2;
}

/**
 * Overlapped area of the kernel densities of `a` and `b`: ∫ min(p_a, p_b). Each sample gets Scott's
 * bandwidth; a sample with no spread (every window alike) borrows the other's, so a constant
 * feature still compares by where it sits; two constant samples overlap fully when they sit on the
 * same value, else not at all. NaN when either sample is empty.
 */
export function overlappedArea(a: readonly number[], b: readonly number[]): number {
  if (a.length === 0 || b.length === 0) return NaN;
  const ownA = scottBandwidth(a);
  const ownB = scottBandwidth(b);
  if (ownA === 0 && ownB === 0) return Math.abs(a[0]! - b[0]!) < 1e-9 ? 1 : 0;
  const bandwidthA = ownA || ownB;
  const bandwidthB = ownB || ownA;
  const low = Math.min(...a, ...b) - GRID_REACH * Math.max(bandwidthA, bandwidthB);
  const high = Math.max(...a, ...b) + GRID_REACH * Math.max(bandwidthA, bandwidthB);
  const step = (high - low) / (GRID_POINTS - 1);
  const densityA = kernelDensity(a, bandwidthA, low, step);
  const densityB = kernelDensity(b, bandwidthB, low, step);
  let area = 0;
  for (let i = 0; i < GRID_POINTS; i++) {
    const weight = i === 0 || i === GRID_POINTS - 1 ? 0.5 : 1; // trapezoid rule
    area += weight * Math.min(densityA[i]!, densityB[i]!);
  }
  return Math.min(1, area * step);
}

/** A Gaussian kernel density on the grid low, low + step, …; each kernel only touches the points within reach. */
function kernelDensity(values: readonly number[], bandwidth: number, low: number, step: number): Float64Array {
  const density = new Float64Array(GRID_POINTS);
  const norm = 1 / (values.length * bandwidth * Math.sqrt(2 * Math.PI));
  const reach = Math.ceil((GRID_REACH * bandwidth) / step);
  for (const value of values) {
    const centre = Math.round((value - low) / step);
    for (let i = Math.max(0, centre - reach); i <= Math.min(GRID_POINTS - 1, centre + reach); i++) {
      const z = (low + i * step - value) / bandwidth;
      density[i] += norm * Math.exp(-0.5 * z * z);
    }
  }
  return density;
}
