// A Float32 array that grows by doubling: per-frame curves of any length without boxing every
// number (a 2-hour track has over a million onset frames).

export class GrowableFloat32 {
  private data = new Float32Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  /** The values so far (a view, not a copy). */
  values(): Float32Array {
    return this.data.subarray(0, this.length);
  }
}
