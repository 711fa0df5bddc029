import { describe, expect, test } from "vitest";
import { OriginHttpError, OriginNetworkError } from "../src/errors.js";
import {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  parseRetryAfter,
  retryDelay,
  withRetries,
} from "../src/retry.js";

const policy = { attempts: 4, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 5000 };

describe("backoff with full jitter", () => {
  test.each([
    [1, 0.5, 50],
    [2, 0.5, 100],
    [3, 0.999, 399],
    [5, 0.5, 500], // capped at maxDelayMs
    [1, 0, 0],
  ])("retry %i with random %f → %i ms", (retry, random, expected) => {
    expect(backoffDelay(retry, policy, () => random)).toBe(expected);
  });

  test("Retry-After is honoured within the cap", () => {
    expect(retryDelay(new OriginHttpError("u", 429, "200", 2000), 1, policy)).toBe(2000);
    expect(retryDelay(new OriginHttpError("u", 429, "200", 60_000), 1, policy)).toBe(5000);
    expect(retryDelay(new OriginHttpError("u", 503, "200"), 2, policy, () => 0.5)).toBe(100);
  });
});

describe("parseRetryAfter", () => {
  test.each([
    ["3", 3000],
    [" 0 ", 0],
    ["Thu, 01 Jan 1970 00:00:10 GMT", 5000],
    ["soon", undefined],
    [undefined, undefined],
  ])("%s → %s", (value, expected) => {
    expect(parseRetryAfter(value, 5000)).toBe(expected);
  });
});

describe("withRetries", () => {
  test("retries retryable errors up to the attempts, then throws the last", async () => {
    let calls = 0;
    const fast = { ...DEFAULT_RETRY_POLICY, attempts: 3, baseDelayMs: 1 };
    await expect(
      withRetries(async () => {
        calls++;
        throw new OriginNetworkError("u");
      }, fast),
    ).rejects.toThrow(OriginNetworkError);
    expect(calls).toBe(3);
  });

  test("does not retry a 404", async () => {
    let calls = 0;
    await expect(
      withRetries(async () => {
        calls++;
        throw new OriginHttpError("u", 404, "200");
      }, policy),
    ).rejects.toThrow(OriginHttpError);
    expect(calls).toBe(1);
  });
});
