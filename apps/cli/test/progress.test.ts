import type { ProgressEvent } from "@vod-harvest/harvest";
import { describe, expect, test } from "vitest";
import {
  barFields,
  createLineRenderer,
  estimateSecondsLeft,
  formatBytes,
  formatDuration,
  formatProgressLine,
  ProgressTracker,
} from "../src/progress.js";

test.each([
  [0, "0 B"],
  [1023, "1023 B"],
  [1024, "1.0 KiB"],
  [1536, "1.5 KiB"],
  [5 * 1024 * 1024, "5.0 MiB"],
  [3 * 1024 ** 3 + 512 * 1024 ** 2, "3.5 GiB"],
])("formatBytes(%d) = %j", (bytes, expected) => {
  expect(formatBytes(bytes)).toBe(expected);
});

test.each([
  [0, "0s"],
  [59.4, "59s"],
  [61, "1m01s"],
  [3599, "59m59s"],
  [3600 + 5 * 60 + 30, "1h05m"],
])("formatDuration(%d) = %j", (seconds, expected) => {
  expect(formatDuration(seconds)).toBe(expected);
});

describe("ProgressTracker", () => {
  test("folds planned, object, retry and failed events", () => {
    const tracker = new ProgressTracker();
    const events: ProgressEvent[] = [
      { type: "planned", objects: 10, manifests: 2 },
      { type: "object", key: "a.ts", bytes: 100, outcome: "copied" },
      { type: "object", key: "b.ts", bytes: 50, outcome: "present" },
      { type: "retry", key: "c.ts", attempt: 2, error: "HTTP 503" },
      { type: "failed", key: "d.ts", url: "http://h/d.ts", error: "HTTP 404" },
    ];
    for (const event of events) tracker.apply(event);
    expect(tracker.snapshot()).toEqual({
      objectsTotal: 10,
      manifests: 2,
      objectsDone: 2,
      bytesDone: 150,
      retries: 1,
      failed: 1,
    });
  });
  test("the engine's progress totals win and never go backwards", () => {
    const tracker = new ProgressTracker();
    tracker.apply({ type: "object", key: "a.ts", bytes: 100, outcome: "copied" });
    tracker.apply({ type: "progress", objectsDone: 5, objectsTotal: 20, bytesDone: 900 });
    tracker.apply({ type: "progress", objectsDone: 4, objectsTotal: 20, bytesDone: 800 });
    expect(tracker.snapshot()).toMatchObject({ objectsDone: 5, objectsTotal: 20, bytesDone: 900 });
  });
});

const snapshot = {
  objectsTotal: 40,
  manifests: 3,
  objectsDone: 10,
  bytesDone: 10 * 1024 * 1024,
  retries: 0,
  failed: 0,
};

test.each([
  // 10 of 40 in 5 s: 30 left at 2 objects/s = 15 s; 10 MiB / 5 s = 2 MiB/s.
  [snapshot, 5000, "copied 10/40 objects, 10.0 MiB, 2.0 MiB/s, ETA 15s"],
  [
    { ...snapshot, retries: 3, failed: 1 },
    5000,
    "copied 10/40 objects, 10.0 MiB, 2.0 MiB/s, ETA 15s, 3 retries, 1 failed",
  ],
  [{ ...snapshot, objectsTotal: undefined }, 5000, "copied 10/? objects, 10.0 MiB, 2.0 MiB/s"],
  [{ ...snapshot, objectsDone: 0, bytesDone: 0 }, 0, "copied 0/40 objects, 0 B, 0 B/s"],
])("formatProgressLine(%j, %d)", (state, elapsed, expected) => {
  expect(formatProgressLine(state, elapsed)).toBe(expected);
});

test("estimateSecondsLeft is undefined before the first object", () => {
  expect(estimateSecondsLeft({ ...snapshot, objectsDone: 0 }, 1000)).toBeUndefined();
  expect(estimateSecondsLeft(snapshot, 10_000)).toBe(30);
});

describe("line renderer", () => {
  function setup() {
    const written: string[] = [];
    let clock = 1_000_000;
    const stream = { write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream;
    const renderer = createLineRenderer({ stream, tty: false, now: () => clock, intervalMs: 60_000 });
    return { written, renderer, advance: (ms: number) => (clock += ms) };
  }

  test("no line per object: only on ticks when something changed, and once at the end", () => {
    const { written, renderer, advance } = setup();
    renderer.handle({ type: "planned", objects: 4, manifests: 1 });
    for (const key of ["a", "b", "c"])
      renderer.handle({ type: "object", key, bytes: 1024, outcome: "copied" });
    expect(written).toEqual(["planned 4 objects (1 manifests)\n"]);
    advance(3000);
    renderer.tick();
    renderer.tick(); // nothing changed: no second identical line
    renderer.handle({ type: "object", key: "d", bytes: 1024, outcome: "copied" });
    advance(1000);
    renderer.finish();
    renderer.finish();
    expect(written).toEqual([
      "planned 4 objects (1 manifests)\n",
      "copied 3/4 objects, 3.0 KiB, 1.0 KiB/s, ETA 1s\n",
      "copied 4/4 objects, 4.0 KiB, 1.0 KiB/s, ETA 0s\n",
    ]);
  });
});

test("line renderer: no line at all when no event came (a SKIPPED run)", () => {
  const written: string[] = [];
  const stream = { write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream;
  const renderer = createLineRenderer({ stream, tty: false, intervalMs: 60_000 });
  renderer.tick();
  renderer.finish();
  expect(written).toEqual([]);
});

test("the bar's ETA follows the clock between events (a --rate-limited copy): recomputed, not stuck", () => {
  // 10 of 40 after 5 s: 15 s left. Ten seconds later with no new object: 10 in 15 s, 30 left = 45 s.
  expect(barFields(snapshot, 5000)).toEqual({ bytes: "10.0 MiB", rate: "2.0 MiB", eta: "15s" });
  expect(barFields(snapshot, 15_000).eta).toBe("45s");
  expect(barFields({ ...snapshot, objectsDone: 0 }, 15_000).eta).toBe("?");
});
