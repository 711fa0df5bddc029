import { HarvestAbortedError, isRetryable, OriginHttpError } from "./errors.js";

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  /** Cap of the first backoff; each later one doubles, up to maxDelayMs. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A Retry-After longer than this is shortened to it, so an origin cannot park a transfer for an hour. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 5,
  baseDelayMs: 200,
  maxDelayMs: 10_000,
  maxRetryAfterMs: 30_000,
};

/** Exponential backoff with full jitter (AWS architecture blog): uniform in [0, min(cap, base·2^(n-1))). */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/** The wait before retry number `retry` (1 = the first retry): Retry-After when the origin gave one, else backoff. */
export function retryDelay(
  error: unknown,
  retry: number,
  policy: RetryPolicy,
  random?: () => number,
): number {
  if (error instanceof OriginHttpError && error.retryAfterMs !== undefined) {
    return Math.min(error.retryAfterMs, policy.maxRetryAfterMs);
  }
  return backoffDelay(retry, policy, random);
}

/** `Retry-After` as seconds or an HTTP date, in ms from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function abortError(signal: AbortSignal | undefined): HarvestAbortedError {
  const reason: unknown = signal?.reason;
  if (reason instanceof HarvestAbortedError) return reason;
  return new HarvestAbortedError("harvest aborted", { cause: reason });
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  throwIfAborted(signal);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export interface RetryHooks {
  readonly signal?: AbortSignal;
  /** Called before each wait; `attempt` is the number of the attempt that failed. */
  readonly onRetry?: (attempt: number, error: unknown, delayMs: number) => void;
}

/** Runs `operation` until it succeeds, fails with a non-retryable error, or the attempts are spent. */
export async function withRetries<T>(
  operation: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  hooks: RetryHooks = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    throwIfAborted(hooks.signal);
    try {
      return await operation(attempt);
    } catch (error) {
      if (hooks.signal?.aborted) throw abortError(hooks.signal);
      if (!isRetryable(error) || attempt >= policy.attempts) throw error;
      const delay = retryDelay(error, attempt, policy);
      hooks.onRetry?.(attempt, error, delay);
      await sleep(delay, hooks.signal);
    }
  }
}
