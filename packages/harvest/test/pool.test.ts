// The bounded pool: lanes pull lazily, and a worker's failure rejects the pool and stops the others pulling.
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, test } from "vitest";
import { runPool } from "../src/pool.js";

describe("runPool", () => {
  test("runs every item, never more than `concurrency` at once", async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await runPool([0, 1, 2, 3, 4, 5, 6][Symbol.iterator](), 3, async (item) => {
      running += 1;
      most = Math.max(most, running);
      await sleep(2);
      running -= 1;
      done.push(item);
    });
    expect(done.sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(most).toBe(3);
  });

  test("a worker that throws rejects the pool, and no lane starts another item after it", async () => {
    const started: number[] = [];
    const items = Array.from({ length: 10 }, (_, index) => index);
    const pool = runPool(items[Symbol.iterator](), 2, async (item) => {
      started.push(item);
      if (item === 1) throw new Error("item 1 failed");
      await sleep(20); // item 0 is still in flight when item 1 fails
    });
    await expect(pool).rejects.toThrow("item 1 failed");
    await sleep(60); // item 0's lane finishes meanwhile
    expect(started).toEqual([0, 1]);
  });
});
