/** Whether a request may go; `trial` marks the one request let through a half-open circuit. */
export type Admission = { ok: true; trial: boolean } | { ok: false; reason: string };

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

  constructor(threshold: number, cooldownMs: number) {
    this.threshold = threshold;
    this.cooldownMs = cooldownMs;
  }

  /** Whether requests are being refused now (open, or half-open with the trial in flight); claims nothing. */
  isOpen(): boolean {
    return this.failures >= this.threshold && (Date.now() < this.openUntil || this.trialInFlight);
  }

  /** Why requests are refused now, or undefined when one may go; claims nothing. */
  refusal(): string | undefined {
    if (!this.isOpen()) return undefined;
    const next = this.trialInFlight ? "a trial request is in flight" : `next try in ${Math.max(0, Math.ceil((this.openUntil - Date.now()) / 1000))} s`;
    return `circuit open after ${this.failures} consecutive failed requests (last: ${this.lastError}); ${next}`;
  }

  /** Let a request go, claiming the trial slot when half-open, or say why not. */
  admit(): Admission {
    const reason = this.refusal();
    if (reason !== undefined) return { ok: false, reason };
    if (this.failures < this.threshold) return { ok: true, trial: false };
    this.trialInFlight = true;
    return { ok: true, trial: true };
  }

  success(trial: boolean): void {
    this.failures = 0;
    if (trial) this.trialInFlight = false;
  }

  failure(reason: string, trial: boolean): void {
    this.lastError = reason;
    this.failures++;
    if (trial) this.trialInFlight = false;
    // Open when the threshold is first reached, and again when the trial of a half-open circuit fails.
    if (trial || this.failures === this.threshold) this.openUntil = Date.now() + this.cooldownMs;
  }
}
