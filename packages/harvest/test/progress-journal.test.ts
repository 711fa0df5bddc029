import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { createDirectorySink, type ObjectSink } from "@vod-harvest/s3-sink";
import { startTestOrigin, type TestOrigin } from "@vod-harvest/testing/test-origin";
import { crc32cBase64 } from "@vod-harvest/vitest-config/crc32c";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { createOriginClient, type OriginClient } from "../src/http.js";
import {
  COMPLETION_RECORD_KEY,
  copyPlan,
  type HarvestPlan,
  type ProgressStore,
  ProgressStoreError,
  planHarvest,
  type RecordedObject,
} from "../src/index.js";
import { ASSET_PREFIX, hlsAsset, memoryStore, originFiles, readTree, tempDir } from "./support.js";

/** hlsAsset(): 6 playlists and 9 other files (key, init, 3 fMP4 segments, one TS file, 2 AAC, 1 VTT). */
const MANIFESTS = 6;
const MEDIA = 9;
const OBJECTS = MANIFESTS + MEDIA;

const fastRetries = { baseDelayMs: 5, maxDelayMs: 40, maxRetryAfterMs: 2_000 };

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

/** The directory sink, with every read-back counted. */
function countingSink() {
  const sink = createDirectorySink(dir.path);
  const reads: string[] = [];
  const counted: ObjectSink = {
    ...sink,
    read: async (key, signal) => {
      reads.push(key);
      return sink.read(key, signal);
    },
  };
  return { sink: counted, reads };
}

const fetchedKeys = () => origin.requests.map((request) => request.path.slice(ASSET_PREFIX.length));
const truth = (key: string): RecordedObject => {
  const body = asset.get(key) as Buffer;
  return { key, size: body.length, checksum: crc32cBase64(body) };
};
const byKey = (a: RecordedObject, b: RecordedObject) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** The copy equals the asset and the record holds every file's true size and CRC32C. */
async function expectCompleteCopy() {
  const tree = await readTree(dir.path);
  const record = JSON.parse((tree.get(COMPLETION_RECORD_KEY) as Buffer).toString("utf8"));
  tree.delete(COMPLETION_RECORD_KEY);
  expect([...tree.keys()].sort()).toEqual([...asset.keys()].sort());
  expect(record.files).toEqual([...asset.keys()].sort().map(truth));
}

describe("checksum journal", () => {
  test("the first run journals every object it copied, with its true size and CRC32C", async () => {
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
    // Without a journal nothing present is trusted: every media object is fetched again (manifests are in memory).
    { journal: false, originGets: MEDIA, saved: 0 },
    // With the journal of the first run: nothing at all.
    { journal: true, originGets: 0, saved: 1 },
  ])("resumed run, journal $journal: $originGets origin GETs, no read-back", async (row) => {
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
    expect(origin.requests.filter((request) => request.method === "GET")).toHaveLength(row.originGets);
    expect(origin.requests).toHaveLength(row.originGets);
    expect(reads).toHaveLength(0);
    // With the journal, the resumed run learnt nothing new, so it saved nothing.
    expect(saves).toHaveLength(row.saved);
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
    expect(fetchedKeys()).toEqual(["video/fmp4/seg2.m4s"]);
    expect(reads).toEqual([]);
    // The two objects written again are journaled with their true sizes.
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
    expect(fetchedKeys().filter((key) => copied.includes(key))).toEqual([]);
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

  // The stale-content attack: files of the right size but other bytes, in a destination without a record.
  test.each([
    { journal: "none", store: () => undefined },
    { journal: "of another run that did not write them", store: () => memoryStore().store },
  ])(
    "files present with the right size but other bytes, journal $journal: fetched again, the record true",
    async (row) => {
      const stale = ["video/fmp4/seg1.m4s", "audio/en/a1.aac", "subs/en.m3u8"];
      for (const key of stale) {
        const path = join(dir.path, key);
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, Buffer.alloc((asset.get(key) as Buffer).length, 0x5a));
      }
      const store = row.store();
      const result = await copyPlan(plan, createDirectorySink(dir.path), {
        client,
        ...(store ? { progress: store } : {}),
      });
      expect(result.status).toBe("COMPLETE");
      await expectCompleteCopy(); // byte-identical, and the record's CRC32C is the origin's for every file
    },
  );

  test("a store that appends gets each entry as its object is stored, before the run ends", async () => {
    const appended: string[] = [];
    let entryStoredAfter = -1;
    const store: ProgressStore = {
      load: async () => new Map(),
      append: (entry) => appended.push(entry.key),
      save: async (entries) => {
        expect(entries).toEqual([]); // never called with entries: they went through append
      },
    };
    const result = await copyPlan(plan, createDirectorySink(dir.path), {
      client,
      progress: store,
      onProgress: (event) => {
        if (event.type === "object" && event.key === "index.m3u8") entryStoredAfter = appended.length;
      },
    });
    expect(result.status).toBe("COMPLETE");
    expect(appended.sort()).toEqual([...asset.keys()].sort());
    // The entry manifest is stored last: by its event every object, itself included, was journaled.
    expect(entryStoredAfter).toBe(OBJECTS);
  });

  test("an append that fails: the copy ends with ProgressStoreError and no completion record", async () => {
    let appends = 0;
    const store: ProgressStore = {
      load: async () => new Map(),
      append: () => {
        if (++appends === 3) throw new Error("disk full");
      },
      save: async () => {},
    };
    const error = await copyPlan(plan, createDirectorySink(dir.path), { client, progress: store }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ProgressStoreError);
    expect((error as Error).message).toBe("journaling a written object failed: Error: disk full");
    expect((await readTree(dir.path)).has(COMPLETION_RECORD_KEY)).toBe(false);
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
