// A real `vod-harvest copy` killed with SIGKILL mid-way, then run again: byte-identical, and nothing the killed run
// journaled is fetched twice.
import { type ChildProcess, spawn } from "node:child_process";
import { lstat, readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import {
  createDirectorySink,
  createS3ClientFromEnv,
  createS3Sink,
  type ObjectSink,
} from "@vod-harvest/s3-sink";
import { type MotoServer, skipWithoutMoto, startMoto } from "@vod-harvest/testing/moto";
import {
  startTestOrigin,
  syntheticBytes,
  syntheticFile,
  type TestOrigin,
} from "@vod-harvest/testing/test-origin";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  COMPLETION_RECORD_KEY,
  createFileProgressStore,
  defaultStateDirectory,
  journalPathFor,
  sourceOf,
} from "../src/index.js";
import { tempDir } from "./support.js";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const PREFIX = "/vod/asset/";
const SEGMENTS = 300;
const SEGMENT_BYTES = 24_000;
/** Throttled so a run at --concurrency 4 takes ~40 s: the kill lands while most segments are still to come. */
const SLOW_BYTES_PER_SECOND = 48_000;
const KILL_AFTER_OBJECTS = 25;
/** Transfers at once (--concurrency): also the most puts in flight when the kill lands. */
const CONCURRENCY = 4;

const segmentKey = (index: number) => `video/seg${String(index).padStart(3, "0")}.ts`;
const segmentSize = (index: number) => SEGMENT_BYTES + index; // distinct sizes: a mix-up cannot verify

/** The asset as stored: multivariant entry, one media playlist of 300 segments, every segment synthetic. */
function assetFiles(): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  files.set("index.m3u8", Buffer.from("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000\nvideo/index.m3u8\n"));
  const lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-TARGETDURATION:4", "#EXT-X-PLAYLIST-TYPE:VOD"];
  for (let index = 0; index < SEGMENTS; index++) {
    lines.push("#EXTINF:4.0,", segmentKey(index).slice("video/".length));
    files.set(segmentKey(index), syntheticBytes(index + 1, 0, segmentSize(index)));
  }
  files.set("video/index.m3u8", Buffer.from(`${[...lines, "#EXT-X-ENDLIST"].join("\n")}\n`));
  return files;
}

interface Destination {
  /** The CLI's <destination> argument and any extra options. */
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly sink: ObjectSink;
  /** Every name under the destination, temp files included, with sizes. */
  listRaw(): Promise<Map<string, number>>;
  /** Names that are a sink's in-progress temp files rather than objects. */
  isTemp(name: string): boolean;
}

interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real command from the repository root; `whileRunning` may kill it. */
function runCopy(
  origin: TestOrigin,
  destination: Destination,
  whileRunning?: (child: ChildProcess) => void,
): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith("AWS_")) env[name] = value;
  Object.assign(env, destination.env);
  const args = ["--import", "tsx", "apps/cli/src/main.ts", "copy", origin.urlOf(`${PREFIX}index.m3u8`)];
  const child = spawn(
    process.execPath,
    [...args, ...destination.args, "--concurrency", String(CONCURRENCY), "--json"],
    {
      cwd: REPO_ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  return new Promise((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), 150_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    whileRunning?.(child);
  });
}

/** SIGKILLs the child once the destination holds some objects (temp files aside). */
function killMidway(destination: Destination) {
  return (child: ChildProcess) => {
    const poll = setInterval(async () => {
      const names = [...(await destination.listRaw()).keys()].filter((name) => !destination.isTemp(name));
      if (names.length >= KILL_AFTER_OBJECTS && child.exitCode === null) {
        clearInterval(poll);
        child.kill("SIGKILL");
      }
    }, 100);
    child.on("close", () => clearInterval(poll));
  };
}

/** The listing once it stops changing: a put the killed client had fully sent may still land on the server. */
async function settledListing(destination: Destination): Promise<Map<string, number>> {
  let previous = await destination.listRaw();
  for (let round = 0; round < 10; round++) {
    await sleep(300);
    const current = await destination.listRaw();
    if (JSON.stringify([...current].sort()) === JSON.stringify([...previous].sort())) return current;
    previous = current;
  }
  throw new Error("the destination kept changing after the copy was killed");
}

const lastJson = (run: CliRun) => JSON.parse(run.stdout.trim().split("\n").at(-1) ?? "null");

async function readObject(sink: ObjectSink, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await sink.read(key)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Every object stored under `keys` equals the asset's bytes. */
async function expectIdentical(destination: Destination, asset: Map<string, Buffer>, keys: Iterable<string>) {
  for (const key of keys) {
    const body = asset.get(key);
    expect(body, `${key} is not a file of the asset`).toBeDefined();
    expect((await readObject(destination.sink, key)).equals(body as Buffer), `${key} differs`).toBe(true);
  }
}

function killResumeSuite(makeDestination: () => Promise<Destination>) {
  let origin: TestOrigin;
  const asset = assetFiles();

  beforeAll(async () => {
    const files = new Map([...asset].map(([key, body]) => [`${PREFIX}${key}`, body] as const));
    origin = await startTestOrigin({ files });
    // Segments as generated files (no copy of the bytes held twice); the same content as `asset`.
    for (let index = 0; index < SEGMENTS; index++) {
      origin.setFile(`${PREFIX}${segmentKey(index)}`, syntheticFile(segmentSize(index), index + 1));
    }
  });
  afterAll(async () => {
    await origin?.close();
  });

  test("SIGKILL mid-way, then resume: byte-identical, only segments the journal does not vouch for fetched, then SKIPPED", async () => {
    const destination = await makeDestination();
    const slow = origin.addFault(/\.ts$/, { kind: "slow", bytesPerSecond: SLOW_BYTES_PER_SECOND });
    const killed = await runCopy(origin, destination, killMidway(destination));
    slow.remove();
    expect(killed.signal, killed.stderr).toBe("SIGKILL");

    // What the killed run left: complete objects only under final names, never the record.
    const left = await settledListing(destination);
    const objectsLeft = [...left.keys()].filter((name) => !destination.isTemp(name));
    expect(objectsLeft.length).toBeGreaterThanOrEqual(KILL_AFTER_OBJECTS);
    expect(objectsLeft.length).toBeLessThan(asset.size);
    expect(objectsLeft).not.toContain(COMPLETION_RECORD_KEY);
    await expectIdentical(destination, asset, objectsLeft);
    const tempsLeft = [...left.keys()].filter((name) => destination.isTemp(name));
    console.info(
      `killed run left ${objectsLeft.length}/${asset.size} objects, ${tempsLeft.length} temp files`,
    );

    // The killed run's checksum journal (in the state directory the tests use): every object it vouches for is
    // there, and the only objects there that it does not vouch for are the puts in flight at the kill (committed by
    // the destination, not yet journaled), at most one per transfer.
    const source = sourceOf(origin.urlOf(`${PREFIX}index.m3u8`));
    const journal = await createFileProgressStore({
      path: journalPathFor(defaultStateDirectory(), destination.sink.location, source),
      destination: destination.sink.location,
      source,
    }).load();
    const journaled = [...journal.keys()];
    expect(journaled.length).toBeGreaterThan(0);
    expect(journaled.filter((key) => !objectsLeft.includes(key))).toEqual([]);
    expect(objectsLeft.filter((key) => !journal.has(key)).length).toBeLessThanOrEqual(CONCURRENCY);

    origin.resetLog();
    const resumed = await runCopy(origin, destination);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(lastJson(resumed)).toMatchObject({ status: "COMPLETE", objects: asset.size, failed: [] });
    // The second run fetched exactly what the journal did not vouch for: no GET of a journaled segment, each
    // other one once (missing, or present but never journaled: it may be torn or another's).
    const gets = origin.requests
      .filter((request) => request.method === "GET" && request.path.endsWith(".ts"))
      .map((request) => request.path.slice(PREFIX.length));
    expect(gets.filter((key) => journal.has(key))).toEqual([]);
    const unvouched = [...asset.keys()].filter((key) => key.endsWith(".ts") && !journal.has(key));
    expect(gets.sort()).toEqual(unvouched.sort());

    // The final tree: exactly the asset and the record, byte-identical; no temp file of either run is left.
    const final = await destination.listRaw();
    expect([...final.keys()].sort()).toEqual([...asset.keys(), COMPLETION_RECORD_KEY].sort());
    await expectIdentical(destination, asset, asset.keys());
    const record = JSON.parse((await readObject(destination.sink, COMPLETION_RECORD_KEY)).toString("utf8"));
    expect(record.objects).toBe(asset.size);

    origin.resetLog();
    const third = await runCopy(origin, destination);
    expect(third.code, third.stderr).toBe(0);
    expect(lastJson(third)).toMatchObject({ status: "SKIPPED", objects: asset.size });
    expect(origin.requests).toHaveLength(0);
  }, 240_000);
}

describe("kill and resume: directory destination", () => {
  let work: { path: string; remove: () => Promise<void> };
  beforeAll(async () => {
    work = await tempDir();
  });
  afterAll(async () => {
    await work?.remove();
  });
  const TEMP_NAME = /(^|\/)\.[^/]*\.[0-9a-f]{16}\.partial$/;
  const sinkRoot = () => join(work.path, "copy");

  killResumeSuite(async () => ({
    args: [sinkRoot()],
    env: {},
    sink: createDirectorySink(sinkRoot()),
    isTemp: (name) => TEMP_NAME.test(name),
    async listRaw() {
      const entries = await readdir(sinkRoot(), { recursive: true, withFileTypes: true }).catch(() => []);
      const out = new Map<string, number>();
      for (const entry of entries) {
        if (!entry.isFile()) continue;
        const path = join(entry.parentPath, entry.name);
        const stats = await lstat(path).catch(() => undefined); // renamed or removed meanwhile
        if (stats) out.set(relative(sinkRoot(), path).split("\\").join("/"), stats.size);
      }
      return out;
    },
  }));
});

describe.skipIf(skipWithoutMoto("kill and resume into moto S3"))(
  "kill and resume: S3 destination (moto)",
  () => {
    const BUCKET = "kill-resume";
    let moto: MotoServer;
    beforeAll(async () => {
      moto = await startMoto();
      expect((await fetch(`${moto.endpoint}/${BUCKET}`, { method: "PUT" })).ok).toBe(true);
    }, 120_000);
    afterAll(async () => {
      await moto?.stop();
    });

    killResumeSuite(async () => {
      const sink = createS3Sink({
        client: createS3ClientFromEnv({ env: moto.env, forcePathStyle: true }),
        bucket: BUCKET,
        prefix: "vod-downloads/asset-1/hls",
      });
      return {
        args: [`s3://${BUCKET}/vod-downloads/asset-1/hls`, "--path-style"],
        env: moto.env,
        sink,
        isTemp: () => false, // S3 has no temp objects: a put is committed whole or not at all
        async listRaw() {
          const out = new Map<string, number>();
          for await (const object of sink.list()) out.set(object.key, object.size);
          return out;
        },
      };
    });
  },
);
