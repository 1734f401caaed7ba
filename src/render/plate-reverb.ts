// plate-reverb: the synthesizer's reverb (Dattorro's plate, as spessasynth_core runs it for reverb
// characters 0–5), computed the same way, sample for sample, but about three times faster. The
// synthesizer's version calls a method per delay-line read or write and walks an array of arrays for
// each; here the twelve delay lines are locals of one loop. The reverb is one serial chain that no
// thread can share, so after the voices moved to worker threads it set the synthesis's pace.
//
// The arithmetic is the synthesizer's own, in its order: the delay lines are the same Float32Arrays
// (written values round to float32, the values carried on stay doubles, as in `a[i] = x`), so the
// output is the very same samples (test/render/plate-reverb.test.ts compares them bit for bit).

import type { SpessaSynthProcessor } from 'spessasynth_core';

/** A delay line as the synthesizer keeps it: samples, write index, read index, mask (length a power of 2). */
type DelayLine = [Float32Array, number, number, number];

/** The fields of spessasynth_core's DattorroReverb that its process() reads and updates. */
interface Plate {
  preDelay: number;
  preLPF: number;
  inputDiffusion1: number;
  inputDiffusion2: number;
  decay: number;
  decayDiffusion1: number;
  decayDiffusion2: number;
  damping: number;
  excursionRate: number;
  excursionDepth: number;
  gain: number;
  sampleRate: number;
  lp1: number;
  lp2: number;
  lp3: number;
  excPhase: number;
  pDWrite: number;
  taps: Int16Array;
  pDelay: Float32Array;
  pDLength: number;
  delays: DelayLine[];
  process: (input: Float32Array, left: Float32Array, right: Float32Array, start: number, count: number) => void;
}

/**
 * Swaps the synthesizer's plate reverb for the fast loop below. Returns false (and changes nothing)
 * where the synthesizer's reverb is not laid out as this module expects — another spessasynth_core
 * version — so the synthesizer's own, slower, reverb keeps running.
 */
export function useFastPlateReverb(synth: SpessaSynthProcessor): boolean {
  const plate = (synth.reverbProcessor as unknown as { dattorro?: Plate }).dattorro;
  if (!isPlate(plate)) return false;
  const slow = plate.process.bind(plate);
  plate.process = (input, left, right, start, count) => {
    // The excursion reads a few samples around the read index of delay lines 4 and 8; the fast loop
    // reads them once, before the line is written, which gives the same samples as long as the reads
    // stay clear of the write index. Always so at the synthesizer's settings; else the slow loop runs.
    if (excursionClearOfWrites(plate)) processPlate(plate, input, left, right, start, count);
    else slow(input, left, right, start, count);
  };
  return true;
}

/** Whether the modulated reads of lines 4 and 8 (up to twice the excursion depth, plus the cubic's reach) stay short of their write index. */
function excursionClearOfWrites(plate: Plate): boolean {
  const reach = Math.ceil((2 * plate.excursionDepth * plate.sampleRate) / 1e3) + 3;
  const line4 = plate.delays[4]!;
  const line8 = plate.delays[8]!;
  return reach < ((line4[1] - line4[2]) & line4[3]) && reach < ((line8[1] - line8[2]) & line8[3]);
}

function isPlate(plate: Plate | undefined): plate is Plate {
  return (
    plate !== undefined &&
    typeof plate.process === 'function' &&
    plate.pDelay instanceof Float32Array &&
    plate.taps instanceof Int16Array &&
    plate.taps.length === 14 &&
    Array.isArray(plate.delays) &&
    plate.delays.length === 12 &&
    plate.delays.every((line) => Array.isArray(line) && line[0] instanceof Float32Array && line[3] === line[0].length - 1)
  );
}

/** Catmull-Rom-like cubic read `at` samples past the read index `read` (the synthesizer's readDelayCAt). */
function cubicAt(line: Float32Array, read: number, mask: number, at: number): number {
  const whole = ~~at;
  const frac = at - whole;
  let index = whole + read - 1;
  const x0 = line[index++ & mask]!;
  const x1 = line[index++ & mask]!;
  const x2 = line[index++ & mask]!;
  const x3 = line[index & mask]!;
  const a = (3 * (x1 - x2) - x0 + x3) / 2;
  const b = 2 * x2 + x0 - (5 * x1 + x3) / 2;
  const c = (x2 - x0) / 2;
  return ((a * frac + b) * frac + c) * frac + x1;
}

function processPlate(plate: Plate, input: Float32Array, outputLeft: Float32Array, outputRight: Float32Array, startIndex: number, sampleCount: number): void {
  const pd = plate.preDelay | 0;
  const fi = plate.inputDiffusion1;
  const si = plate.inputDiffusion2;
  const dc = plate.decay;
  const ft = plate.decayDiffusion1;
  const st = plate.decayDiffusion2;
  const dp = 1 - plate.damping;
  const ex = plate.excursionRate / plate.sampleRate;
  const ed = (plate.excursionDepth * plate.sampleRate) / 1e3;
  const preLPF = plate.preLPF;
  const gain = plate.gain;
  const { pDelay, pDLength, pDWrite, taps, delays } = plate;
  for (let j = 0; j < sampleCount; j++) pDelay[(pDWrite + j) % pDLength] = input[j]!;

  const [d0, d1, d2, d3, d4, d5, d6, d7, d8, d9, d10, d11] = delays as [DelayLine, DelayLine, DelayLine, DelayLine, DelayLine, DelayLine, DelayLine, DelayLine, DelayLine, DelayLine, DelayLine, DelayLine];
  const b0 = d0[0], b1 = d1[0], b2 = d2[0], b3 = d3[0], b4 = d4[0], b5 = d5[0], b6 = d6[0], b7 = d7[0], b8 = d8[0], b9 = d9[0], b10 = d10[0], b11 = d11[0];
  const m0 = d0[3], m1 = d1[3], m2 = d2[3], m3 = d3[3], m4 = d4[3], m5 = d5[3], m6 = d6[3], m7 = d7[3], m8 = d8[3], m9 = d9[3], m10 = d10[3], m11 = d11[3];
  let w0 = d0[1], w1 = d1[1], w2 = d2[1], w3 = d3[1], w4 = d4[1], w5 = d5[1], w6 = d6[1], w7 = d7[1], w8 = d8[1], w9 = d9[1], w10 = d10[1], w11 = d11[1];
  let r0 = d0[2], r1 = d1[2], r2 = d2[2], r3 = d3[2], r4 = d4[2], r5 = d5[2], r6 = d6[2], r7 = d7[2], r8 = d8[2], r9 = d9[2], r10 = d10[2], r11 = d11[2];
  const t0 = taps[0]!, t1 = taps[1]!, t2 = taps[2]!, t3 = taps[3]!, t4 = taps[4]!, t5 = taps[5]!, t6 = taps[6]!;
  const t7 = taps[7]!, t8 = taps[8]!, t9 = taps[9]!, t10 = taps[10]!, t11 = taps[11]!, t12 = taps[12]!, t13 = taps[13]!;
  let { lp1, lp2, lp3, excPhase } = plate;

  for (let i = 0; i < sampleCount; i++) {
    lp1 += preLPF * (pDelay[(pDLength + pDWrite - pd + i) % pDLength]! - lp1);
    // The input diffusers: four allpasses in series.
    let pre = (b0[w0] = lp1 - fi * b0[r0]!);
    pre = b1[w1] = fi * (pre - b1[r1]!) + b0[r0]!;
    pre = b2[w2] = fi * pre + b1[r1]! - si * b2[r2]!;
    pre = b3[w3] = si * (pre - b3[r3]!) + b2[r2]!;
    const split = si * pre + b3[r3]!;
    // The tank: two halves, each a modulated allpass, a delay, a damping lowpass, an allpass and a delay, crossed.
    const exc = ed * (1 + Math.cos(excPhase * 6.28));
    const exc2 = ed * (1 + Math.sin(excPhase * 6.2847));
    const swept4 = cubicAt(b4, r4, m4, exc);
    let temp = (b4[w4] = split + dc * b11[r11]! + ft * swept4);
    b5[w5] = swept4 - ft * temp;
    lp2 += dp * (b5[r5]! - lp2);
    temp = b6[w6] = dc * lp2 - st * b6[r6]!;
    b7[w7] = b6[r6]! + st * temp;
    const swept8 = cubicAt(b8, r8, m8, exc2);
    temp = b8[w8] = split + dc * b7[r7]! + ft * swept8;
    b9[w9] = swept8 - ft * temp;
    lp3 += dp * (b9[r9]! - lp3);
    temp = b10[w10] = dc * lp3 - st * b10[r10]!;
    b11[w11] = b10[r10]! + st * temp;
    const leftSample = b9[(r9 + t0) & m9]! + b9[(r9 + t1) & m9]! - b10[(r10 + t2) & m10]! + b11[(r11 + t3) & m11]! - b5[(r5 + t4) & m5]! - b6[(r6 + t5) & m6]! - b7[(r7 + t6) & m7]!;
    const idx = i + startIndex;
    outputLeft[idx] += leftSample * gain;
    const rightSample = b5[(r5 + t7) & m5]! + b5[(r5 + t8) & m5]! - b6[(r6 + t9) & m6]! + b7[(r7 + t10) & m7]! - b9[(r9 + t11) & m9]! - b10[(r10 + t12) & m10]! - b11[(r11 + t13) & m11]!;
    outputRight[idx] += rightSample * gain;
    excPhase += ex;
    w0 = (w0 + 1) & m0; r0 = (r0 + 1) & m0;
    w1 = (w1 + 1) & m1; r1 = (r1 + 1) & m1;
    w2 = (w2 + 1) & m2; r2 = (r2 + 1) & m2;
    w3 = (w3 + 1) & m3; r3 = (r3 + 1) & m3;
    w4 = (w4 + 1) & m4; r4 = (r4 + 1) & m4;
    w5 = (w5 + 1) & m5; r5 = (r5 + 1) & m5;
    w6 = (w6 + 1) & m6; r6 = (r6 + 1) & m6;
    w7 = (w7 + 1) & m7; r7 = (r7 + 1) & m7;
    w8 = (w8 + 1) & m8; r8 = (r8 + 1) & m8;
    w9 = (w9 + 1) & m9; r9 = (r9 + 1) & m9;
    w10 = (w10 + 1) & m10; r10 = (r10 + 1) & m10;
    w11 = (w11 + 1) & m11; r11 = (r11 + 1) & m11;
  }

  d0[1] = w0; d1[1] = w1; d2[1] = w2; d3[1] = w3; d4[1] = w4; d5[1] = w5; d6[1] = w6; d7[1] = w7; d8[1] = w8; d9[1] = w9; d10[1] = w10; d11[1] = w11;
  d0[2] = r0; d1[2] = r1; d2[2] = r2; d3[2] = r3; d4[2] = r4; d5[2] = r5; d6[2] = r6; d7[2] = r7; d8[2] = r8; d9[2] = r9; d10[2] = r10; d11[2] = r11;
  plate.lp1 = lp1;
  plate.lp2 = lp2;
  plate.lp3 = lp3;
  plate.excPhase = excPhase;
  plate.pDWrite = (pDWrite + sampleCount) % pDLength;
}
