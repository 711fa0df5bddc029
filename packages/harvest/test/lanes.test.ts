// Lanes that look one item ahead: bounded work, at most one prepared item per lane, released when not used.
import { describe, expect, test } from "vitest";
import { type LaneControl, runLanesAhead } from "../src/lanes.js";

/** A turn of the event loop: work items wait on these, so the schedule does not depend on the clock. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe("runLanesAhead", () => {
  test("every item runs once; at most `concurrency` at work, and at most one prepared item per lane", async () => {
    let working = 0;
    let mostWorking = 0;
    let preparedOut = 0;
    let mostPrepared = 0;
    const done: number[] = [];
    const usedPrepared: number[] = [];
    await runLanesAhead([0, 1, 2, 3, 4, 5, 6, 7, 8, 9][Symbol.iterator](), 3, {
      prepare: (item) => {
        preparedOut++;
        mostPrepared = Math.max(mostPrepared, preparedOut);
        return `prepared ${item}`;
      },
      release: () => {
        throw new Error("nothing is released when every preparation is used");
      },
      work: async (item, prepared, lane) => {
        working++;
        mostWorking = Math.max(mostWorking, working);
        if (prepared !== undefined) {
          expect(prepared).toBe(`prepared ${item}`);
          usedPrepared.push(item);
          preparedOut--;
        }
        await turn();
        lane.takeNext(); // the next item is prepared while this one finishes
        lane.takeNext(); // once per item
        await turn();
        working--;
        done.push(item);
      },
    });
    expect(done.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(mostWorking).toBe(3);
    expect(mostPrepared).toBeLessThanOrEqual(3);
    // The first item of each lane had nothing prepared; every later one had.
    expect(usedPrepared.sort((a, b) => a - b)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(preparedOut).toBe(0);
  });

  test("dropNext releases the next item's preparation; that item then runs without one", async () => {
    const released: string[] = [];
    const seen: [number, string | undefined][] = [];
    await runLanesAhead([0, 1, 2][Symbol.iterator](), 1, {
      prepare: (item) => `prepared ${item}`,
      release: (prepared) => {
        released.push(prepared);
      },
      work: async (item, prepared, lane: LaneControl) => {
        seen.push([item, prepared]);
        lane.takeNext();
        if (item === 0) lane.dropNext(); // e.g. a GET sent again drops the one started ahead
        await turn();
      },
    });
    expect(released).toEqual(["prepared 1"]);
    expect(seen).toEqual([
      [0, undefined],
      [1, undefined],
      [2, "prepared 2"],
    ]);
  });

  test("a worker that throws rejects the pool and its next item's preparation is released", async () => {
    const released: string[] = [];
    const started: number[] = [];
    const pool = runLanesAhead([0, 1, 2, 3][Symbol.iterator](), 1, {
      prepare: (item) => `prepared ${item}`,
      release: (prepared) => {
        released.push(prepared);
      },
      work: async (item, _prepared, lane) => {
        started.push(item);
        lane.takeNext();
        await turn();
        if (item === 1) throw new Error("item 1 failed");
      },
    });
    await expect(pool).rejects.toThrow("item 1 failed");
    expect(started).toEqual([0, 1]);
    expect(released).toEqual(["prepared 2"]);
  });

  test("after a worker throws, no lane takes another item from the source", async () => {
    let taken = 0;
    function* source() {
      for (let item = 0; item < 100; item++) {
        taken++;
        yield item;
      }
    }
    let takenAtFailure = -1;
    const pool = runLanesAhead(source(), 2, {
      prepare: () => undefined,
      release: () => {},
      work: async (item, _prepared, lane) => {
        lane.takeNext();
        for (let index = 0; index < 3; index++) await turn();
        if (item === 1) {
          takenAtFailure = taken;
          throw new Error("item 1 failed");
        }
      },
    });
    await expect(pool).rejects.toThrow("item 1 failed");
    for (let index = 0; index < 20; index++) await turn(); // the other lane finishes what it holds
    expect(taken).toBe(takenAtFailure);
  });

  test("a source that stops yielding (an abort) stops new work", async () => {
    let stop = false;
    function* source() {
      for (let item = 0; item < 100; item++) {
        if (stop) return;
        yield item;
      }
    }
    const done: number[] = [];
    await runLanesAhead(source(), 2, {
      prepare: () => undefined,
      release: () => {},
      work: async (item) => {
        if (item === 3) stop = true;
        await turn();
        done.push(item);
      },
    });
    expect(done.length).toBeLessThanOrEqual(5);
  });
});
