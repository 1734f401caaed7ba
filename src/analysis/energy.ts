// energy: one number, 0–1, for how much the picture moves — what tempo, dynamics and arousal follow.

/** Motion (mean absolute frame difference, 0–255) at which energy saturates: MuVi-Sync's 90th percentile is ~18 at full size; tiny frames read lower. */
const MOTION_FOR_FULL_ENERGY = 12;

/** 0–1 energy from motion; a square root so that small motions are still heard. */
export function motionToEnergy(motion: number): number {
  return Math.min(1, Math.sqrt(Math.max(0, motion) / MOTION_FOR_FULL_ENERGY));
}
