/**
 * A circuit breaker: after `threshold` consecutive failed requests the endpoint is considered down
 * and requests fail at once for `cooldownMs`; then one trial request is let through (half-open),
 * and its outcome closes or re-opens the circuit.
 */
export class CircuitBreaker {
  private readonly threshold: number;
  private readonly cooldownMs: number;
  private failures = 0;
  private openUntil = 0;
  private trialInFlight = false;
  private lastError = "";
  opened = 0;

  constructor(threshold: number, cooldownMs: number) {
    this.threshold = threshold;
    this.cooldownMs = cooldownMs;
  }

  /** Undefined when a request may go; otherwise why it may not. Claims the trial slot when half-open. */
  admit(): string | undefined {
    if (this.failures < this.threshold) return undefined;
    const now = Date.now();
    if (now >= this.openUntil && !this.trialInFlight) {
      this.trialInFlight = true;
      return undefined;
    }
    const wait = Math.max(0, Math.ceil((this.openUntil - now) / 1000));
    return `circuit open after ${this.failures} consecutive failed requests (last: ${this.lastError})${this.trialInFlight ? "; a trial request is in flight" : `; next try in ${wait} s`}`;
  }

  /** Whether requests are being refused now (open, or half-open with the trial in flight); claims nothing. */
  isOpen(): boolean {
    return this.failures >= this.threshold && (Date.now() < this.openUntil || this.trialInFlight);
  }

  success(): void {
    this.failures = 0;
    this.trialInFlight = false;
  }

  failure(reason: string): void {
    this.lastError = reason;
    this.failures++;
    if (this.failures >= this.threshold && (this.trialInFlight || this.failures === this.threshold)) {
      this.openUntil = Date.now() + this.cooldownMs;
      this.opened++;
    }
    this.trialInFlight = false;
  }
}
