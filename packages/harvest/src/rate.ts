import { sleep } from "./retry.js";

/**
 * Spaces request starts at least 1/rate seconds apart (no burst), shared by every worker. Slots are handed out in
 * call order, so waiting callers are served first come, first served.
 */
export class RateLimiter {
  private readonly intervalMs: number;
  private nextSlot = 0;

  constructor(ratePerSecond: number) {
    this.intervalMs = 1000 / ratePerSecond;
  }

  async take(signal?: AbortSignal): Promise<void> {
    const now = performance.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + this.intervalMs;
    await sleep(slot - now, signal);
  }
}
