// Durability ordering: a sink that defers its fsyncs (the directory sink with sync "flush") is flushed after every
// object is stored and before the completion record, then once more for the record itself; a sink without flush
// (S3: puts are durable when they return) works unchanged. Real test origin and directory sink.
import { createDirectorySink, type ObjectSink } from "@vod-harvest/s3-sink";
import { startTestOrigin, type TestOrigin } from "@vod-harvest/testing/test-origin";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { createOriginClient, type OriginClient } from "../src/http.js";
import { COMPLETION_RECORD_KEY, copyPlan, type HarvestPlan, planHarvest } from "../src/index.js";
import { ASSET_PREFIX, hlsAsset, originFiles, tempDir } from "./support.js";

/** hlsAsset(): 6 playlists and 9 other files. */
const OBJECTS = 15;

let origin: TestOrigin;
let dir: { path: string; remove: () => Promise<void> };
let client: OriginClient;
let plan: HarvestPlan;

beforeEach(async () => {
  origin = await startTestOrigin({ files: originFiles(hlsAsset()) });
  dir = await tempDir();
  client = createOriginClient({ retry: { baseDelayMs: 5, maxDelayMs: 40 } });
  plan = await planHarvest({ entryUrl: origin.urlOf(`${ASSET_PREFIX}index.m3u8`) }, { client });
});

afterEach(async () => {
  await client.close();
  await origin.close();
  await dir.remove();
});

/** The directory sink in `flush` mode, logging puts ("put", or "record") and flushes in the order they end. */
function loggingSink(withFlush: boolean) {
  const inner = createDirectorySink(dir.path, { sync: "flush" });
  const log: string[] = [];
  const sink: ObjectSink = {
    location: inner.location,
    head: (key, signal) => inner.head(key, signal),
    list: (prefix, signal) => inner.list(prefix, signal),
    read: (key, signal) => inner.read(key, signal),
    delete: (key, signal) => inner.delete(key, signal),
    put: async (key, body, options) => {
      const result = await inner.put(key, body, options);
      log.push(key === COMPLETION_RECORD_KEY ? "record" : "put");
      return result;
    },
    ...(withFlush
      ? {
          flush: async (signal?: AbortSignal) => {
            await inner.flush(signal);
            log.push("flush");
          },
        }
      : {}),
  };
  return { sink, log };
}

describe("flush before the completion record", () => {
  test.each([
    ["a sink with flush", true, [...Array(OBJECTS).fill("put"), "flush", "record", "flush"]],
    ["a sink without flush", false, [...Array(OBJECTS).fill("put"), "record"]],
  ])("%s: every object, then the record, in durable order", async (_what, withFlush, expected) => {
    const { sink, log } = loggingSink(withFlush);
    const result = await copyPlan(plan, sink, { client });
    expect(result.status).toBe("COMPLETE");
    expect(log).toEqual(expected);
  });
});
