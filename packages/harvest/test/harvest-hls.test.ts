import { readFile, rm, truncate } from "node:fs/promises";
import { join } from "node:path";
import { ManifestLimitError, UnsafeReferenceError } from "@vod-harvest/manifest";
import {
  createDirectorySink,
  type ObjectSink as ObjectSinkLike,
  SinkAccessDeniedError,
} from "@vod-harvest/s3-sink";
import { type Fault, startTestOrigin, type TestOrigin } from "@vod-harvest/testing/test-origin";
import { crc32cBase64 } from "@vod-harvest/vitest-config/crc32c";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { createOriginClient } from "../src/http.js";
import { COMPLETION_RECORD_KEY, copyPlan, harvest, type ProgressEvent, planHarvest } from "../src/index.js";
import { ASSET_PREFIX, hlsAsset, memoryStore, originFiles, readTree, tempDir } from "./support.js";

const SECRET = { "X-CDN-Auth": "s3cr3t-value" };
const fastRetries = { baseDelayMs: 5, maxDelayMs: 40, maxRetryAfterMs: 2_000 };

let origin: TestOrigin;
let dir: { path: string; remove: () => Promise<void> };
let asset: Map<string, Buffer>;
const entryUrl = () => origin.urlOf(`${ASSET_PREFIX}index.m3u8`);
const client = () => createOriginClient({ headers: SECRET, retry: fastRetries, bodyTimeoutMs: 5_000 });

beforeEach(async () => {
  asset = hlsAsset();
  origin = await startTestOrigin({ files: originFiles(asset), requireHeaders: SECRET });
  dir = await tempDir();
});

afterEach(async () => {
  await origin.close();
  await dir.remove();
});

const totalBytes = (files: Map<string, Buffer>) =>
  [...files.values()].reduce((sum, body) => sum + body.length, 0);

/** The copy minus the record equals the asset byte for byte, and the record names every file, size and hash. */
async function expectCompleteCopy(expected: Map<string, Buffer> = asset) {
  const tree = await readTree(dir.path);
  const record = JSON.parse((tree.get(COMPLETION_RECORD_KEY) as Buffer).toString("utf8"));
  tree.delete(COMPLETION_RECORD_KEY);
  expect([...tree.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [key, body] of expected) expect(tree.get(key)?.equals(body), key).toBe(true);
  expect(record.objects).toBe(expected.size);
  expect(record.bytes).toBe(totalBytes(expected));
  expect(record.files).toEqual(
    [...expected.keys()].sort().map((key) => {
      const body = expected.get(key) as Buffer;
      return { key, size: body.length, checksum: crc32cBase64(body) };
    }),
  );
}

const mediaGets = () =>
  origin.requests
    .filter((request) => request.method === "GET" && !request.path.endsWith(".m3u8"))
    .map((request) => request.path.slice(ASSET_PREFIX.length))
    .sort();

describe("harvest: HLS to the directory sink", () => {
  test("copies every file byte-identical, byte ranges of one file once, headers on every request", async () => {
    const events: ProgressEvent[] = [];
    const result = await harvest({ entryUrl: entryUrl(), headers: SECRET }, createDirectorySink(dir.path), {
      onProgress: (event) => events.push(event),
    });
    expect(result).toEqual({
      status: "COMPLETE",
      objects: asset.size,
      bytes: totalBytes(asset),
      entry: "index.m3u8",
      failed: [],
      stoppedEarly: false,
    });
    await expectCompleteCopy();
    expect(origin.count(`${ASSET_PREFIX}video/ts/all.ts`)).toBe(1);
    expect(origin.requests.every((request) => request.status === 200)).toBe(true);
    expect(events.filter((event) => event.type === "object")).toHaveLength(asset.size);
    expect(JSON.stringify(result) + JSON.stringify(events)).not.toContain(SECRET["X-CDN-Auth"]);
  });

  test("a second run is SKIPPED without a single origin request; overwrite copies everything again", async () => {
    const sink = createDirectorySink(dir.path);
    await harvest({ entryUrl: entryUrl(), headers: SECRET }, sink);
    origin.resetLog();
    const second = await harvest({ entryUrl: entryUrl(), headers: SECRET }, sink);
    expect(second).toMatchObject({ status: "SKIPPED", objects: asset.size, entry: "index.m3u8" });
    expect(origin.requests).toHaveLength(0);

    const third = await harvest({ entryUrl: entryUrl(), headers: SECRET }, sink, { overwrite: true });
    expect(third.status).toBe("COMPLETE");
    expect(mediaGets()).toEqual([...asset.keys()].filter((key) => !key.endsWith(".m3u8")).sort());
    await expectCompleteCopy();
  });

  test("a destination holding another asset's complete copy is refused, not SKIPPED; overwrite replaces it", async () => {
    // Asset G at /vod/other/ (same files), copied first; then asset F (/vod/asset/) into the same directory.
    for (const [key, body] of asset) origin.setFile(`/vod/other/${key}`, body);
    const sink = createDirectorySink(dir.path);
    const other = origin.urlOf("/vod/other/index.m3u8");
    expect((await harvest({ entryUrl: other, headers: SECRET }, sink)).status).toBe("COMPLETE");
    origin.resetLog();
    const refused = await harvest({ entryUrl: `${entryUrl()}?token=abc`, headers: SECRET }, sink).catch(
      (e) => e,
    );
    expect(refused).toMatchObject({
      name: "DestinationInUseError",
      code: "DESTINATION_IN_USE",
      recordedSource: other,
      source: entryUrl(),
    });
    expect(refused.message).toContain(`holds the complete copy of ${other}, not of ${entryUrl()}`);
    expect(origin.requests).toHaveLength(0);
    // The same asset under another query string (a token) is the same asset: SKIPPED.
    const again = await harvest({ entryUrl: `${other}?token=xyz`, headers: SECRET }, sink);
    expect(again.status).toBe("SKIPPED");
    const replaced = await harvest({ entryUrl: entryUrl(), headers: SECRET }, sink, { overwrite: true });
    expect(replaced.status).toBe("COMPLETE");
    const record = JSON.parse((await readFile(join(dir.path, COMPLETION_RECORD_KEY))).toString("utf8"));
    expect(record.source).toBe(entryUrl());
  });

  test("a destination that fails every write stops the copy after 3 objects in a row, naming it", async () => {
    let puts = 0;
    const base = createDirectorySink(dir.path);
    const refusing: ObjectSinkLike = {
      ...base,
      put: async () => {
        puts++;
        throw Object.assign(new Error("disk went away"), { name: "SinkIoError", code: "WRITE_FAILED" });
      },
    };
    const originClient = client();
    const attempts = originClient.retryPolicy.attempts;
    const error = await harvest({ entryUrl: entryUrl(), headers: SECRET }, refusing, {
      client: originClient,
      concurrency: 2,
    }).catch((e) => e);
    expect(error).toMatchObject({ name: "SinkUnavailableError", code: "SINK_UNAVAILABLE" });
    expect(error.message).toContain(`${base.location} is not accepting writes: 3 objects in a row failed`);
    // 3 objects (plus at most one other in flight) × their attempts, not every object of the asset.
    expect(puts).toBeLessThanOrEqual(4 * attempts);
    expect(asset.size).toBeGreaterThan(4);
  });

  test("resume (with the journal) fetches only what is missing or of the wrong size", async () => {
    const sink = createDirectorySink(dir.path);
    const { store } = memoryStore();
    await harvest({ entryUrl: entryUrl(), headers: SECRET }, sink, { progress: store });
    await rm(join(dir.path, COMPLETION_RECORD_KEY));
    await rm(join(dir.path, "video/fmp4/seg2.m4s"));
    await rm(join(dir.path, "audio/en/a1.aac"));
    await truncate(join(dir.path, "video/ts/all.ts"), 100);
    await truncate(join(dir.path, "subs/en.m3u8"), 3); // a manifest of the wrong size is written again
    origin.resetLog();
    const result = await harvest({ entryUrl: entryUrl(), headers: SECRET }, sink, { progress: store });
    expect(result.status).toBe("COMPLETE");
    expect(mediaGets()).toEqual(["audio/en/a1.aac", "video/fmp4/seg2.m4s", "video/ts/all.ts"]);
    await expectCompleteCopy();
  });

  const faults: [string, Fault][] = [
    ["503 twice", { kind: "status", status: 503, times: 2 }],
    ["429 with Retry-After", { kind: "status", status: 429, retryAfter: 1, times: 1 }],
    ["reset before headers", { kind: "reset", when: "before-headers", times: 1 }],
    ["reset after headers", { kind: "reset", when: "after-headers", times: 1 }],
    ["truncated body", { kind: "truncate", afterBytes: 1000, times: 2 }],
    ["slow body", { kind: "slow", bytesPerSecond: 200_000, times: 1 }],
  ];
  test.each(faults)("recovers from %s byte-identical", async (_name, fault) => {
    const handle = origin.addFault(`${ASSET_PREFIX}video/fmp4/seg1.m4s`, fault);
    const retries: ProgressEvent[] = [];
    const started = Date.now();
    const result = await harvest({ entryUrl: entryUrl() }, createDirectorySink(dir.path), {
      client: client(),
      onProgress: (event) => event.type === "retry" && retries.push(event),
    });
    expect(result.status).toBe("COMPLETE");
    expect(handle.fired).toBe(fault.times);
    await expectCompleteCopy();
    if (fault.kind !== "slow") expect(retries.length).toBe(fault.times);
    if (fault.kind === "status" && fault.status === 429)
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  test("a permanent 404 gives INCOMPLETE naming the URL, no retry of it, no record, no entry; the rest is copied", async () => {
    origin.deleteFile(`${ASSET_PREFIX}audio/en/a2.aac`);
    const result = await harvest({ entryUrl: entryUrl() }, createDirectorySink(dir.path), {
      client: client(),
    });
    expect(result.status).toBe("INCOMPLETE");
    expect(result.stoppedEarly).toBe(false);
    expect(result.failed).toHaveLength(1);
    expect(result.failed[0]).toMatchObject({
      url: origin.urlOf(`${ASSET_PREFIX}audio/en/a2.aac`),
      key: "audio/en/a2.aac",
    });
    expect(result.failed[0]?.error).toContain("HTTP 404");
    expect(origin.count(`${ASSET_PREFIX}audio/en/a2.aac`)).toBe(1);
    const tree = await readTree(dir.path);
    expect(tree.has(COMPLETION_RECORD_KEY)).toBe(false);
    // Everything but the missing file and the entry: a partial copy never plays from its entry.
    expect([...tree.keys()].sort()).toEqual(
      [...asset.keys()].filter((key) => key !== "audio/en/a2.aac" && key !== "index.m3u8").sort(),
    );
  });

  test("a time budget stops with INCOMPLETE + stoppedEarly and no record; the next run completes", async () => {
    // The fMP4 segments never finish, so the 300 ms budget always runs out first, however busy the machine.
    origin.addFault(/\.m4s$/, { kind: "stall" });
    const sink = createDirectorySink(dir.path);
    const first = await harvest({ entryUrl: entryUrl() }, sink, {
      client: client(),
      budget: AbortSignal.timeout(300),
    });
    expect(first).toMatchObject({ status: "INCOMPLETE", stoppedEarly: true, failed: [] });
    expect((await readTree(dir.path)).has(COMPLETION_RECORD_KEY)).toBe(false);
    origin.clearFaults();
    const second = await harvest({ entryUrl: entryUrl() }, sink, { client: client() });
    expect(second.status).toBe("COMPLETE");
    await expectCompleteCopy(); // also: no temp file of the cut transfers is left behind
  });

  test("an abort signal stops the run as INCOMPLETE with stoppedEarly", async () => {
    origin.addFault(/\.m4s$/, { kind: "stall" });
    const controller = new AbortController();
    // Stopped during the copy (an event, not a clock: under load a timer could fire while still planning): once
    // one object is stored, while the fMP4 segments stall.
    const result = await harvest({ entryUrl: entryUrl() }, createDirectorySink(dir.path), {
      client: client(),
      signal: controller.signal,
      onProgress: (event) => {
        if (event.type === "object") controller.abort();
      },
    });
    expect(result).toMatchObject({ status: "INCOMPLETE", stoppedEarly: true });
  });

  test("concurrency bounds the transfers in flight", async () => {
    const sink = createDirectorySink(dir.path);
    let inFlight = 0;
    let most = 0;
    const counting: ObjectSinkLike = {
      ...sink,
      put: async (key, body, options) => {
        most = Math.max(most, ++inFlight);
        try {
          return await sink.put(key, body, options);
        } finally {
          inFlight--;
        }
      },
    };
    origin.addFault(/\.(m4s|aac)$/, { kind: "delay", ms: 30 });
    const result = await harvest({ entryUrl: entryUrl() }, counting, { client: client(), concurrency: 2 });
    expect(result.status).toBe("COMPLETE");
    expect(most).toBe(2);
  });

  test("a sink error no put can survive aborts the run and is thrown", async () => {
    let puts = 0;
    const denied: ObjectSinkLike = {
      ...createDirectorySink(dir.path),
      put: async () => {
        puts++;
        throw new SinkAccessDeniedError("access denied to the test destination");
      },
    };
    await expect(
      harvest({ entryUrl: entryUrl() }, denied, { client: client(), concurrency: 2 }),
    ).rejects.toThrow(SinkAccessDeniedError);
    expect(puts).toBeLessThanOrEqual(2);
  });

  test("copyPlan resumes a stored (JSON round-tripped) plan", async () => {
    const planClient = client();
    const plan = JSON.parse(
      JSON.stringify(await planHarvest({ entryUrl: entryUrl() }, { client: planClient })),
    );
    await planClient.close();
    const result = await copyPlan(plan, createDirectorySink(dir.path), { headers: SECRET });
    expect(result.status).toBe("COMPLETE");
    await expectCompleteCopy();
  });
});

describe("harvest: refusals throw a typed error and write nothing", () => {
  const refusals: [string, string, new (...args: never[]) => Error, string][] = [
    [
      "another origin",
      "#EXTM3U\n#EXTINF:4,\nhttp://localhost:{port}/vod/asset/x.ts\n",
      UnsafeReferenceError,
      "FOREIGN_ORIGIN",
    ],
    [
      "a key escaping root through ..%2F",
      "#EXTM3U\n#EXTINF:4,\n..%2F..%2Fetc%2Fpasswd\n",
      UnsafeReferenceError,
      "KEY_ESCAPES_ROOT",
    ],
    [
      "the instance-metadata address",
      "#EXTM3U\n#EXTINF:4,\nhttp://169.254.169.254/latest/meta-data/x.ts\n",
      UnsafeReferenceError,
      "FORBIDDEN_ADDRESS",
    ],
    [
      "an XML entity bomb",
      '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>\n' +
        '<SmoothStreamingMedia MajorVersion="2" MinorVersion="0" Duration="0">&lol2;</SmoothStreamingMedia>\n',
      ManifestLimitError,
      "XML_DTD_REFUSED",
    ],
  ];
  test.each(refusals)("%s", async (_name, manifest, errorClass, code) => {
    origin.setFile(`${ASSET_PREFIX}bad.m3u8`, manifest.replace("{port}", String(origin.port)));
    const error = await harvest(
      { entryUrl: origin.urlOf(`${ASSET_PREFIX}bad.m3u8`), headers: SECRET, allowHosts: ["169.254.169.254"] },
      createDirectorySink(dir.path),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(errorClass);
    expect((error as { code: string }).code).toBe(code);
    expect((await readTree(dir.path)).size).toBe(0);
  });
});

describe("harvest: absolute references", () => {
  test("absolute and path-absolute references are made relative; the copy still resolves; other bytes unchanged", async () => {
    const base = origin.urlOf(ASSET_PREFIX);
    const entry = (asset.get("index.m3u8") as Buffer)
      .toString("utf8")
      .replace("\nvideo/fmp4/index.m3u8", `\n${base}video/fmp4/index.m3u8`)
      .replace('URI="audio/en.m3u8"', `URI="${ASSET_PREFIX}audio/en.m3u8"`);
    origin.setFile(`${ASSET_PREFIX}index.m3u8`, entry);
    const external =
      "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\nhttp://localhost:{port}/ext/x.vtt\n#EXT-X-ENDLIST\n";
    origin.setFile(`${ASSET_PREFIX}subs/en.m3u8`, external.replace("{port}", String(origin.port)));
    origin.setFile("/ext/x.vtt", "WEBVTT\n");

    const result = await harvest(
      { entryUrl: entryUrl(), headers: SECRET, allowHosts: [`localhost:${origin.port}`] },
      createDirectorySink(dir.path),
    );
    expect(result.status).toBe("COMPLETE");
    const stored = await readFile(join(dir.path, "index.m3u8"), "utf8");
    expect(stored).toBe(asset.get("index.m3u8")?.toString("utf8")); // worked out by hand: the original relative text
    expect(await readFile(join(dir.path, "subs/en.m3u8"), "utf8")).toBe(
      `#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\n../_external/localhost:${origin.port}/ext/x.vtt\n#EXT-X-ENDLIST\n`,
    );
    expect(await readFile(join(dir.path, `_external/localhost:${origin.port}/ext/x.vtt`), "utf8")).toBe(
      "WEBVTT\n",
    );
    // Resolvable from wherever the copy lives: resolve the stored references against a file URL of the copy.
    const copyBase = new URL(`file://${dir.path}/subs/en.m3u8`);
    const target = new URL(`../_external/localhost:${origin.port}/ext/x.vtt`, copyBase);
    expect(await readFile(target, "utf8")).toBe("WEBVTT\n");
  });
});
