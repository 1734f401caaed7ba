// loudness: ITU-R BS.1770-4 / EBU R128 integrated loudness, in TypeScript, measured while the audio
// streams past: K-weighting, 400 ms blocks every 100 ms, absolute (−70 LUFS) and relative (−10 LU)
// gates. v2m's own measure of what it rendered; the tests hold it to ffmpeg's ebur128 filter.

import { GrowableFloat32 } from './growable.js';
import { mean } from '../numbers.js';

const SUB_BLOCK_SECONDS = 0.1;
/** A gating block is four sub-blocks: 400 ms, overlapping by 75 %. */
const SUB_BLOCKS_PER_BLOCK = 4;
const ABSOLUTE_GATE_LUFS = -70;
const RELATIVE_GATE_LU = -10;
/** Loudness of silence, written instead of −∞ so that every figure stays a finite number. */
export const SILENCE_LUFS = -120;

interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

/** The two K-weighting stages (a high shelf for the head, a high pass) for any sample rate. */
export function kWeighting(sampleRateHz: number): [Biquad, Biquad] {
  // Constants from BS.1770's 48 kHz coefficients, solved for the analogue prototype (as libebur128 does).
  const shelfK = Math.tan((Math.PI * 1681.974450955533) / sampleRateHz);
  const shelfQ = 0.7071752369554196;
  const vh = 10 ** (3.999843853973347 / 20);
  const vb = vh ** 0.4996667741545416;
  const shelfA0 = 1 + shelfK / shelfQ + shelfK * shelfK;
  const shelf: Biquad = {
    b0: (vh + (vb * shelfK) / shelfQ + shelfK * shelfK) / shelfA0,
    b1: (2 * (shelfK * shelfK - vh)) / shelfA0,
    b2: (vh - (vb * shelfK) / shelfQ + shelfK * shelfK) / shelfA0,
    a1: (2 * (shelfK * shelfK - 1)) / shelfA0,
    a2: (1 - shelfK / shelfQ + shelfK * shelfK) / shelfA0,
  };
  const passK = Math.tan((Math.PI * 38.13547087602444) / sampleRateHz);
  const passQ = 0.5003270373238773;
  const passA0 = 1 + passK / passQ + passK * passK;
  const highPass: Biquad = { b0: 1, b1: -2, b2: 1, a1: (2 * (passK * passK - 1)) / passA0, a2: (1 - passK / passQ + passK * passK) / passA0 };
  return [shelf, highPass];
}

/** One channel's K-weighting filter state (direct form II transposed). */
class KWeightedChannel {
  private readonly stages: [Biquad, Biquad];
  private readonly state = new Float64Array(4);

  constructor(sampleRateHz: number) {
    this.stages = kWeighting(sampleRateHz);
  }

  filter(sample: number): number {
    let x = sample;
    for (let s = 0; s < 2; s++) {
      const q = this.stages[s]!;
      const y = q.b0 * x + this.state[2 * s]!;
      this.state[2 * s] = q.b1 * x - q.a1 * y + this.state[2 * s + 1]!;
      this.state[2 * s + 1] = q.b2 * x - q.a2 * y;
      x = y;
    }
    return x;
  }
}

export class LoudnessMeter {
  private readonly channels: KWeightedChannel[];
  private readonly subBlockFrames: number;
  private subBlockEnergy = 0;
  private subBlockFill = 0;
  /** Mean square (summed over channels) of each 100 ms sub-block. */
  private readonly subBlocks = new GrowableFloat32();

  constructor(
    readonly sampleRateHz: number,
    readonly channelCount: number,
  ) {
    this.channels = Array.from({ length: channelCount }, () => new KWeightedChannel(sampleRateHz));
    this.subBlockFrames = Math.round(sampleRateHz * SUB_BLOCK_SECONDS);
  }

  /** Interleaved samples, `channelCount` per frame. */
  push(interleaved: Float32Array): void {
    const n = this.channelCount;
    for (let i = 0; i + n <= interleaved.length; i += n) {
      for (let c = 0; c < n; c++) {
        const y = this.channels[c]!.filter(interleaved[i + c]!);
        this.subBlockEnergy += y * y;
      }
      if (++this.subBlockFill === this.subBlockFrames) {
        this.subBlocks.push(this.subBlockEnergy / this.subBlockFrames);
        this.subBlockEnergy = 0;
        this.subBlockFill = 0;
      }
    }
  }

  /** Integrated loudness (LUFS) of everything pushed so far. */
  integratedLufs(): number {
    const blocks = this.blockPowers();
    const aboveAbsolute = blocks.filter((power) => powerToLufs(power) > ABSOLUTE_GATE_LUFS);
    if (aboveAbsolute.length === 0) return SILENCE_LUFS;
    const relativeGate = powerToLufs(mean(aboveAbsolute)) + RELATIVE_GATE_LU;
    const gated = aboveAbsolute.filter((power) => powerToLufs(power) > relativeGate);
    return powerToLufs(mean(gated));
  }

  /** Loudness of each whole second (the mean power of its ten sub-blocks), LUFS. */
  loudnessPerSecond(): number[] {
    const subBlocks = this.subBlocks.values();
    const perSecond = Math.round(1 / SUB_BLOCK_SECONDS);
    const seconds: number[] = [];
    for (let start = 0; start < subBlocks.length; start += perSecond) {
      seconds.push(powerToLufs(mean(Array.from(subBlocks.subarray(start, start + perSecond)))));
    }
    return seconds;
  }

  private blockPowers(): number[] {
    const subBlocks = this.subBlocks.values();
    const blocks: number[] = [];
    for (let end = SUB_BLOCKS_PER_BLOCK; end <= subBlocks.length; end++) {
      blocks.push(mean(Array.from(subBlocks.subarray(end - SUB_BLOCKS_PER_BLOCK, end))));
    }
    return blocks;
  }
}

function powerToLufs(power: number): number {
  return power > 0 ? Math.max(SILENCE_LUFS, -0.691 + 10 * Math.log10(power)) : SILENCE_LUFS;
}
