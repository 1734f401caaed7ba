// levels: the plain signal level of the track — RMS per second in dBFS (what EVALUATION.md correlates
// with motion), the sample peak, and the silent stretches (where the RMS of 50 ms windows stays
// under a floor).

export const SILENCE_FLOOR_DBFS = -60;
/** Level written for digital silence instead of −∞. */
export const SILENCE_DBFS = -120;
const SILENCE_WINDOW_SECONDS = 0.05;
/** The track's ending level is measured over its last this many windows (250 ms). */
const ENDING_WINDOWS = 5;

export interface Silence {
  start: number;
  end: number;
}

export class LevelMeter {
  private readonly secondFrames: number;
  private readonly windowFrames: number;
  private secondEnergy = 0;
  private secondFill = 0;
  private windowEnergy = 0;
  private windowFill = 0;
  private windows = 0;
  private silenceStart: number | undefined;
  private longest: Silence | undefined;
  private peak = 0;
  /** Mean squares of the last few windows, for the level the track ends on. */
  private readonly recentWindows: number[] = [];
  readonly rmsDbPerSecond: number[] = [];

  constructor(readonly sampleRateHz: number) {
    this.secondFrames = sampleRateHz;
    this.windowFrames = Math.round(sampleRateHz * SILENCE_WINDOW_SECONDS);
  }

  push(mono: Float32Array): void {
    for (let i = 0; i < mono.length; i++) {
      const sample = mono[i]!;
      const energy = sample * sample;
      this.peak = Math.max(this.peak, Math.abs(sample));
      this.secondEnergy += energy;
      this.windowEnergy += energy;
      if (++this.secondFill === this.secondFrames) this.closeSecond();
      if (++this.windowFill === this.windowFrames) this.closeWindow();
    }
  }

  /** Closes the partial second and window at the end of the track. */
  finish(): void {
    if (this.secondFill > 0) this.closeSecond();
    if (this.windowFill > 0) this.closeWindow();
    this.endSilence(this.windows * SILENCE_WINDOW_SECONDS);
  }

  longestSilence(): Silence | undefined {
    return this.longest;
  }

  /** RMS level of the last 250 ms, dBFS: far under the body of the track when it fades out. */
  endingRmsDb(): number {
    return toDb(this.recentWindows.reduce((sum, e) => sum + e, 0) / Math.max(1, this.recentWindows.length));
  }

  samplePeakDbfs(): number {
    return toDb(this.peak * this.peak);
  }

  private closeSecond(): void {
    this.rmsDbPerSecond.push(toDb(this.secondEnergy / this.secondFill));
    this.secondEnergy = 0;
    this.secondFill = 0;
  }

  private closeWindow(): void {
    const meanSquare = this.windowEnergy / this.windowFill;
    this.recentWindows.push(meanSquare);
    if (this.recentWindows.length > ENDING_WINDOWS) this.recentWindows.shift();
    const silent = toDb(meanSquare) < SILENCE_FLOOR_DBFS;
    const time = this.windows * SILENCE_WINDOW_SECONDS;
    if (silent && this.silenceStart === undefined) this.silenceStart = time;
    if (!silent) this.endSilence(time);
    this.windows += 1;
    this.windowEnergy = 0;
    this.windowFill = 0;
  }

  private endSilence(time: number): void {
    if (this.silenceStart === undefined) return;
    const silence = { start: this.silenceStart, end: time };
    if (!this.longest || silence.end - silence.start > this.longest.end - this.longest.start) this.longest = silence;
    this.silenceStart = undefined;
  }
}

function toDb(meanSquare: number): number {
  return meanSquare > 0 ? Math.max(SILENCE_DBFS, 10 * Math.log10(meanSquare)) : SILENCE_DBFS;
}
