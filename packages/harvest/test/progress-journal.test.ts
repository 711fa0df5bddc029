// The checksum journal (CopyOptions.progress): a resumed run trusts objects journaled by earlier runs (no origin
// HEAD, no read-back), saves what it learnt even when it stops early or fails, and the budget bounds the
// checksum phase too. Real test origin and directory sink on this machine; the store is an in-memory one.
import { createHash } from "node:crypto";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { createDirectorySink, type ObjectSink } from "@vod-harvest/s3-sink";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { createOriginClient, type OriginClient } from "../src/http.js";
import {
  COMPLETION_RECORD_KEY,
  copyPlan,
  type HarvestPlan,
  type JournaledObject,
  type ProgressStore,
  ProgressStoreError,
  planHarvest,
  type RecordedObject,
} from "../src/index.js";
import { startTestOrigin, type TestOrigin } from "../src/test-origin/index.js";
import { ASSET_PREFIX, hlsAsset, originFiles, readTree, tempDir } from "./support.js";

/** hlsAsset(): 6 playlists and 9 other files (key, init, 3 fMP4 segments, one TS file, 2 AAC, 1 VTT). */
const MANIFESTS = 6;
const MEDIA = 9;
const OBJECTS = MANIFESTS + MEDIA;

const fastRetries = { baseDelayMs: 5, maxDelayMs: 40, maxRetryAfterMs: 2_000 };
const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

let origin: TestOrigin;
let dir: { path: string; remove: () => Promise<void> };
let asset: Map<string, Buffer>;
let client: OriginClient;
let plan: HarvestPlan;

beforeEach(async () => {
  asset = hlsAsset();
  origin = await startTestOrigin({ files: originFiles(asset) });
  dir = await tempDir();
  client = createOriginClient({ retry: fastRetries, bodyTimeoutMs: 5_000 });
  plan = await planHarvest({ entryUrl: origin.urlOf(`${ASSET_PREFIX}index.m3u8`) }, { client });
  origin.resetLog();
});

afterEach(async () => {
  await client.close();
  await origin.close();
  await dir.remove();
});

/** An in-memory ProgressStore: every save kept as a batch, load merges them (a later batch wins). */
function memoryStore(initial: RecordedObject[] = []) {
  const saves: RecordedObject[][] = initial.length > 0 ? [initial] : [];
  let loads = 0;
  const store: ProgressStore = {
    load: async () => {
      loads++;
      const merged = new Map<string, JournaledObject>();
      for (const batch of saves) for (const { key, size, sha256 } of batch) merged.set(key, { size, sha256 });
      return merged;
    },
    save: async (entries) => {
      saves.push([...entries]);
    },
  };
  return { store, saves, loads: () => loads };
}

/** The directory sink, with every read-back counted (and `onRead` told of each, before it starts). */
function countingSink(onRead: (reads: readonly string[]) => void = () => {}) {
  const sink = createDirectorySink(dir.path);
  const reads: string[] = [];
  const counted: ObjectSink = {
    ...sink,
    read: async (key, signal) => {
      reads.push(key);
      onRead(reads);
      return sink.read(key, signal);
    },
  };
  return { sink: counted, reads };
}

const heads = () => origin.requests.filter((request) => request.method === "HEAD");
const headedKeys = () => heads().map((request) => request.path.slice(ASSET_PREFIX.length));
const truth = (key: string): RecordedObject => {
  const body = asset.get(key) as Buffer;
  return { key, size: body.length, sha256: sha256(body) };
};
const byKey = (a: RecordedObject, b: RecordedObject) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** The copy equals the asset and the record holds every file's true size and sha256. */
async function expectCompleteCopy() {
  const tree = await readTree(dir.path);
  const record = JSON.parse((tree.get(COMPLETION_RECORD_KEY) as Buffer).toString("utf8"));
  tree.delete(COMPLETION_RECORD_KEY);
  expect([...tree.keys()].sort()).toEqual([...asset.keys()].sort());
  expect(record.files).toEqual([...asset.keys()].sort().map(truth));
}

describe("checksum journal", () => {
  test("the first run journals every object it copied, with its true size and sha256", async () => {
    const { store, saves, loads } = memoryStore();
    const result = await copyPlan(plan, createDirectorySink(dir.path), { client, progress: store });
    expect(result.status).toBe("COMPLETE");
    expect(loads()).toBe(1);
    expect(saves).toHaveLength(1);
    expect([...(saves[0] ?? [])].sort(byKey)).toEqual([...asset.keys()].sort().map(truth));
    await expectCompleteCopy();
  });

  // A resumed run over a complete copy whose record is gone: what it costs the origin and the destination.
  test.each([
    // Without a journal (the CLI): a HEAD per present non-manifest object, every present object read back.
    { journal: false, originHeads: MEDIA, readBacks: OBJECTS },
    // With the journal of the first run: nothing at all.
    { journal: true, originHeads: 0, readBacks: 0 },
  ])("resumed run, journal $journal: $originHeads origin HEADs, $readBacks read-backs", async (row) => {
    const { store, saves } = memoryStore();
    await copyPlan(plan, createDirectorySink(dir.path), {
      client,
      ...(row.journal ? { progress: store } : {}),
    });
    await rm(join(dir.path, COMPLETION_RECORD_KEY));
    origin.resetLog();
    const { sink, reads } = countingSink();
    const result = await copyPlan(plan, sink, { client, ...(row.journal ? { progress: store } : {}) });
    expect(result.status).toBe("COMPLETE");
    expect(heads()).toHaveLength(row.originHeads);
    expect(origin.requests).toHaveLength(row.originHeads); // and no GET: nothing was copied again
    expect(reads).toHaveLength(row.readBacks);
    // The resumed run learnt nothing new, so it saved nothing.
    expect(saves).toHaveLength(row.journal ? 1 : 0);
    await expectCompleteCopy();
  });

  test("a journaled entry whose size differs from the stored object is not trusted", async () => {
    await copyPlan(plan, createDirectorySink(dir.path), { client });
    await rm(join(dir.path, COMPLETION_RECORD_KEY));
    const journaled = [...asset.keys()].map(truth);
    const wrong = journaled.map((entry) =>
      entry.key === "video/fmp4/seg2.m4s" || entry.key === "subs/en.m3u8"
        ? { ...entry, size: entry.size + 1 }
        : entry,
    );
    const { store, saves } = memoryStore(wrong);
    origin.resetLog();
    const { sink, reads } = countingSink();
    const result = await copyPlan(plan, sink, { client, progress: store });
    expect(result.status).toBe("COMPLETE");
    expect(headedKeys()).toEqual(["video/fmp4/seg2.m4s"]);
    expect(reads.sort()).toEqual(["subs/en.m3u8", "video/fmp4/seg2.m4s"]);
    // The two checked objects are journaled again with their true sizes.
    expect([...(saves[1] ?? [])].sort(byKey)).toEqual([truth("subs/en.m3u8"), truth("video/fmp4/seg2.m4s")]);
    await expectCompleteCopy();
  });

  test("a run stopped by its budget during the copy saves what it copied; the next run trusts it", async () => {
    // The fMP4 segments never finish; the budget runs out once two objects are copied (an event, not a clock).
    origin.addFault(/\.m4s$/, { kind: "stall" });
    const { store, saves } = memoryStore();
    const copied: string[] = [];
    const budget = new AbortController();
    const first = await copyPlan(plan, createDirectorySink(dir.path), {
      client,
      progress: store,
      budget: budget.signal,
      onProgress: (event) => {
        if (event.type !== "object" || event.outcome !== "copied") return;
        copied.push(event.key);
        if (copied.length === 2) budget.abort();
      },
    });
    expect(first).toMatchObject({ status: "INCOMPLETE", stoppedEarly: true, failed: [] });
    expect(copied.length).toBeGreaterThan(0);
    expect(copied.length).toBeLessThan(OBJECTS);
    expect(saves).toHaveLength(1);
    expect([...(saves[0] ?? [])].sort(byKey)).toEqual(copied.sort().map(truth));

    origin.clearFaults();
    origin.resetLog();
    const second = await copyPlan(plan, createDirectorySink(dir.path), { client, progress: store });
    expect(second.status).toBe("COMPLETE");
    expect(headedKeys().filter((key) => copied.includes(key))).toEqual([]);
    await expectCompleteCopy();
  });

  test("a run that fails (permanent 404) saves what it copied (all but that file and the entry)", async () => {
    origin.deleteFile(`${ASSET_PREFIX}audio/en/a2.aac`);
    const { store, saves } = memoryStore();
    const result = await copyPlan(plan, createDirectorySink(dir.path), { client, progress: store });
    expect(result).toMatchObject({ status: "INCOMPLETE", stoppedEarly: false });
    expect([...(saves[0] ?? [])].sort(byKey)).toEqual(
      [...asset.keys()]
        .filter((key) => key !== "audio/en/a2.aac" && key !== "index.m3u8")
        .sort()
        .map(truth),
    );
  });

  test("the budget cuts the checksum phase: INCOMPLETE + stoppedEarly, hashes saved, the next run completes", async () => {
    // A copy made without a journal: a resumed run has to read every object back.
    await copyPlan(plan, createDirectorySink(dir.path), { client });
    await rm(join(dir.path, COMPLETION_RECORD_KEY));
    const { store, saves } = memoryStore();
    // Read-backs 2 at a time; the budget runs out as the fourth starts.
    const budget = new AbortController();
    const slow = countingSink((reads) => reads.length === 4 && budget.abort());
    const first = await copyPlan(plan, slow.sink, {
      client,
      concurrency: 2,
      progress: store,
      budget: budget.signal,
    });
    expect(first).toMatchObject({ status: "INCOMPLETE", stoppedEarly: true, failed: [] });
    expect((await readTree(dir.path)).has(COMPLETION_RECORD_KEY)).toBe(false);
    expect(slow.reads.length).toBeGreaterThan(0); // the stop came during the checksum phase
    expect(slow.reads.length).toBeLessThan(OBJECTS);
    const hashed = [...(saves[0] ?? [])].sort(byKey);
    expect(hashed.length).toBeGreaterThan(0);
    expect(hashed).toEqual(hashed.map((entry) => truth(entry.key)));

    origin.resetLog();
    const rest = countingSink();
    const second = await copyPlan(plan, rest.sink, { client, progress: store });
    expect(second.status).toBe("COMPLETE");
    // Only what the first run did not hash is read back or HEADed now.
    const hashedKeys = new Set(hashed.map((entry) => entry.key));
    expect(rest.reads.filter((key) => hashedKeys.has(key))).toEqual([]);
    expect(rest.reads).toHaveLength(OBJECTS - hashed.length);
    expect(headedKeys().filter((key) => hashedKeys.has(key))).toEqual([]);
    await expectCompleteCopy();
  });

  test.each([
    ["load", "loading the progress journal failed"],
    ["save", "saving 15 progress journal entries failed"],
  ] as const)(
    "a store whose %s fails: ProgressStoreError, no completion record",
    async (failing, message) => {
      const broken: ProgressStore = {
        load: async () => {
          if (failing === "load") throw new Error("store unreachable");
          return new Map();
        },
        save: async () => {
          throw new Error("store unreachable");
        },
      };
      const error = await copyPlan(plan, createDirectorySink(dir.path), { client, progress: broken }).catch(
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(ProgressStoreError);
      expect((error as Error).message).toBe(`${message}: Error: store unreachable`);
      const tree = await readTree(dir.path);
      expect(tree.has(COMPLETION_RECORD_KEY)).toBe(false);
      // Nothing is copied when the journal cannot be loaded.
      expect(tree.size).toBe(failing === "load" ? 0 : OBJECTS);
    },
  );
});
