// The optional requests-per-second limit: request starts are spaced 1/rate apart, across every worker.
import { createDirectorySink } from "@vod-harvest/s3-sink";
import { describe, expect, test } from "vitest";
import { harvest } from "../src/index.js";
import { RateLimiter } from "../src/rate.js";
import { ASSET_PREFIX, originAndDirPerTest } from "./support.js";

describe("RateLimiter", () => {
  test.each([
    [50, 10],
    [200, 21],
  ])("%i/s: %i concurrent takes span at least (n-1)/rate, served in call order", async (rate, takes) => {
    const limiter = new RateLimiter(rate);
    const started = performance.now();
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: takes }, (_, index) => limiter.take().then(() => order.push(index))),
    );
    const elapsedMs = performance.now() - started;
    expect(elapsedMs).toBeGreaterThanOrEqual(((takes - 1) * 1000) / rate - 5);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  test("an aborted wait rejects", async () => {
    const limiter = new RateLimiter(1);
    await limiter.take();
    const controller = new AbortController();
    const waiting = limiter.take(controller.signal);
    controller.abort(new Error("stop"));
    await expect(waiting).rejects.toThrow();
  });
});

describe("harvest with ratePerSecond", () => {
  const context = originAndDirPerTest();

  test("no two origin requests start closer than 1/rate, whatever the concurrency", async () => {
    const rate = 40;
    const started = performance.now();
    const result = await harvest(
      { entryUrl: context.origin.urlOf(`${ASSET_PREFIX}index.m3u8`) },
      createDirectorySink(context.dir.path),
      {
        concurrency: 16,
        ratePerSecond: rate,
      },
    );
    const elapsedMs = performance.now() - started;
    expect(result.status).toBe("COMPLETE");
    const requests = context.origin.requests.length;
    expect(requests).toBeGreaterThan(5);
    expect(elapsedMs).toBeGreaterThanOrEqual(((requests - 1) * 1000) / rate - 5);
  });
});
