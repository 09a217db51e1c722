/** A counting semaphore: at most `limit` holders at once, the others wait in FIFO order. */
export class Limiter {
  readonly limit: number;
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(limit: number) {
    this.limit = limit;
  }

  acquire(): Promise<void> | void {
    if (this.active < this.limit) {
      this.active++;
      return;
    }
    return new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /** Hand the slot to the next waiter, or free it. */
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}
