/**
 * Bounded admission for scoring requests: at most `concurrency` run, at most `maxQueue` wait,
 * anything beyond is refused at once (the caller answers 429) instead of growing memory.
 */
export class Admission {
  readonly concurrency: number;
  readonly maxQueue: number;
  private running = 0;
  private readonly waiting: Ticket[] = [];

  constructor(concurrency: number, maxQueue: number) {
    this.concurrency = concurrency;
    this.maxQueue = maxQueue;
  }

  /** Requests admitted and not finished (running or waiting). */
  get active(): number {
    return this.running + this.waiting.length;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /**
   * A ticket whose `slot` resolves when the request may run, or undefined when the queue is full.
   * The ticket must be released exactly once, whether or not its slot was granted.
   */
  admit(): Ticket | undefined {
    if (this.running < this.concurrency) {
      this.running++;
      return new Ticket(this, true);
    }
    if (this.waiting.length >= this.maxQueue) return undefined;
    const ticket = new Ticket(this, false);
    this.waiting.push(ticket);
    return ticket;
  }

  /** Called by Ticket.release: a waiting ticket leaves the queue, a running one hands its slot on. */
  leave(ticket: Ticket): void {
    if (!ticket.granted) {
      const at = this.waiting.indexOf(ticket);
      if (at >= 0) this.waiting.splice(at, 1);
      return;
    }
    const next = this.waiting.shift();
    if (next) next.grant();
    else this.running--;
  }
}

export class Ticket {
  readonly slot: Promise<void>;
  granted: boolean;
  private readonly admission: Admission;
  private resolveSlot!: () => void;
  private released = false;

  constructor(admission: Admission, granted: boolean) {
    this.admission = admission;
    this.granted = granted;
    this.slot = granted ? Promise.resolve() : new Promise<void>((resolve) => (this.resolveSlot = resolve));
  }

  grant(): void {
    this.granted = true;
    this.resolveSlot();
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.admission.leave(this);
  }
}
