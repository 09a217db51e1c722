/** Runs at most `size` tasks at once; the rest wait in order. */
export class Pool {
  private readonly size: number;
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private closed = false;

  constructor(size: number) {
    this.size = Math.max(1, size);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      if (this.closed) throw new Error("the code reward was closed");
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  /** Tasks not started yet fail at once, one after the other as the running ones end. */
  close(): void {
    this.closed = true;
  }
}
