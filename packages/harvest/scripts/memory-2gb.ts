/**
 * Memory check of the harvest engine (issue 3, item 5): copies one large resource — an HLS byte-range playlist of
 * 500 EXT-X-BYTERANGE segments over one synthetic `video.ts` served by the test origin — into the directory sink
 * and into moto's S3, each in a fresh child process that reports its peak RSS, then verifies the copy's sha256
 * against the synthetic content recomputed. Prints a table and one JSON line; exit code 1 when a copy is wrong or
 * over the target.
 *
 *   pnpm memory                       # 2 GiB, both sinks
 *   pnpm memory --size 64m            # CI smoke run
 *   pnpm memory --sinks directory     # one sink only (directory, s3)
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  checksumStream,
  createDirectorySink,
  createS3ClientFromEnv,
  createS3Sink,
  type ObjectSink,
} from "@vod-harvest/s3-sink";
import { motoAvailable, startMoto } from "@vod-harvest/testing/moto";
import { startTestOrigin, syntheticBytes, syntheticFile } from "@vod-harvest/testing/test-origin";
import { COMPLETION_RECORD_KEY, type HarvestResult, harvest } from "../src/index.js";
import { emptyRow, mib, printTable, type Row, type SinkName } from "./memory-table.js";

const MiB = 1024 * 1024;
const TARGET_BYTES = 300 * MiB;
const SEGMENTS = 500;
const SEED = 2026;
const PREFIX = "/vod/big/";
const BUCKET = "memory-check";
const SCRIPT = fileURLToPath(import.meta.url);
const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const UNITS: Record<string, number> = { "": 1, k: 1024, m: MiB, g: 1024 * MiB };

/** What a child reports on its last stdout line. */
interface ChildReport {
  readonly result: HarvestResult;
  /** Highest `process.memoryUsage().rss` seen, sampled every 50 ms. */
  readonly sampledPeakRss: number;
  /** VmHWM from /proc/self/status at the end (the kernel's own peak), when readable. */
  readonly vmHwm: number | undefined;
  readonly seconds: number;
  /** RSS before the copy started (runtime, tsx, the SDK loaded): what the copy itself added is the rest. */
  readonly baselineRss: number;
}

function parseSize(text: string): number {
  const match = /^(\d+)([kmg]?)$/i.exec(text.trim());
  const unit = UNITS[match?.[2]?.toLowerCase() ?? ""];
  if (!match || unit === undefined || Number(match[1]) * unit < 1) {
    throw new Error(
      `--size: expected bytes or a number with k/m/g (binary units), got ${JSON.stringify(text)}`,
    );
  }
  return Number(match[1]) * unit;
}

/** The byte-range playlist: SEGMENTS consecutive ranges covering the whole file. */
function byteRangePlaylist(size: number): string {
  const count = Math.min(SEGMENTS, size);
  const length = Math.floor(size / count);
  const lines = ["#EXTM3U", "#EXT-X-VERSION:4", "#EXT-X-TARGETDURATION:4", "#EXT-X-PLAYLIST-TYPE:VOD"];
  for (let index = 0; index < count; index++) {
    const offset = index * length;
    const span = index === count - 1 ? size - offset : length;
    lines.push(`#EXT-X-BYTERANGE:${span}@${offset}`, "#EXTINF:4.0,", "video.ts");
  }
  return `${[...lines, "#EXT-X-ENDLIST"].join("\n")}\n`;
}

async function sha256OfStream(stream: Readable | AsyncIterable<Buffer>): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

async function* syntheticChunks(size: number): AsyncIterable<Buffer> {
  for (let offset = 0; offset < size; offset += 4 * MiB) {
    yield syntheticBytes(SEED, offset, Math.min(4 * MiB, size - offset));
  }
}

// ---- child: one copy, peak RSS measured ----

async function vmHwmBytes(): Promise<number | undefined> {
  const status = await readFile("/proc/self/status", "utf8").catch(() => "");
  const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
  return match ? Number(match[1]) * 1024 : undefined;
}

function childSink(name: SinkName, destination: string): ObjectSink {
  if (name === "directory") return createDirectorySink(destination);
  // Path-style, as moto needs; endpoint and credentials come from the environment the parent set.
  return createS3Sink({
    client: createS3ClientFromEnv({ forcePathStyle: true }),
    bucket: BUCKET,
    prefix: destination,
  });
}

async function runChild(name: SinkName, entryUrl: string, destination: string): Promise<void> {
  const baselineRss = process.memoryUsage().rss;
  let sampledPeakRss = baselineRss;
  const sampler = setInterval(() => {
    sampledPeakRss = Math.max(sampledPeakRss, process.memoryUsage().rss);
  }, 50);
  const started = Date.now();
  const result = await harvest({ entryUrl }, childSink(name, destination));
  clearInterval(sampler);
  sampledPeakRss = Math.max(sampledPeakRss, process.memoryUsage().rss);
  const report: ChildReport = {
    result,
    sampledPeakRss,
    vmHwm: await vmHwmBytes(),
    seconds: (Date.now() - started) / 1000,
    baselineRss,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

// ---- parent: origin, moto, children, verification ----

function spawnChild(name: SinkName, entryUrl: string, destination: string, env: Record<string, string>) {
  const args = [
    "--import",
    "tsx",
    SCRIPT,
    "--child",
    name,
    "--entry",
    entryUrl,
    "--destination",
    destination,
  ];
  return new Promise<ChildReport>((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      const last = stdout.trim().split("\n").at(-1) ?? "";
      if (code !== 0 || last === "") reject(new Error(`${name} child exited with ${code}: ${stdout}`));
      else resolve(JSON.parse(last) as ChildReport);
    });
  });
}

async function readRecordChecksum(sink: ObjectSink): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of await sink.read(COMPLETION_RECORD_KEY)) chunks.push(chunk as Buffer);
  const record = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
    files: { key: string; checksum: string }[];
  };
  return record.files.find((file) => file.key === "video.ts")?.checksum;
}

async function runParent(size: number, sinks: readonly SinkName[]): Promise<boolean> {
  const log = (message: string) => process.stderr.write(`${message}\n`);
  const origin = await startTestOrigin({
    files: {
      [`${PREFIX}index.m3u8`]: byteRangePlaylist(size),
      [`${PREFIX}video.ts`]: syntheticFile(size, SEED),
    },
  });
  const work = await mkdtemp(join(tmpdir(), "vod-harvest-memory-"));
  const rows: Row[] = [];
  try {
    log(`computing the expected sha256 of ${mib(size)}…`);
    const expected = await sha256OfStream(syntheticChunks(size));
    const expectedChecksum = (await checksumStream(syntheticChunks(size))).checksum;
    const entryUrl = origin.urlOf(`${PREFIX}index.m3u8`);
    for (const name of sinks) {
      let moto: Awaited<ReturnType<typeof startMoto>> | undefined;
      try {
        let env: Record<string, string> = {};
        let destination: string;
        let sink: ObjectSink;
        if (name === "s3") {
          if (!motoAvailable()) {
            log("*** SKIPPED: moto not available (python3 -m moto.server) ***");
            rows.push({ ...emptyRow(name), skipped: "moto not available" });
            continue;
          }
          moto = await startMoto();
          if (!(await fetch(`${moto.endpoint}/${BUCKET}`, { method: "PUT" })).ok)
            throw new Error("CreateBucket failed");
          env = { ...moto.env };
          destination = "asset-1/hls";
          sink = createS3Sink({
            client: createS3ClientFromEnv({ env: moto.env, forcePathStyle: true }),
            bucket: BUCKET,
            prefix: destination,
          });
        } else {
          destination = join(work, "copy");
          sink = createDirectorySink(destination);
        }
        origin.resetLog();
        log(`copying into ${sink.location} in a child process…`);
        const report = await spawnChild(name, entryUrl, destination, env);
        log(`verifying ${sink.location}video.ts…`);
        const stored =
          name === "directory"
            ? await sha256OfStream(
                createReadStream(join(destination, "video.ts"), { highWaterMark: 4 * MiB }),
              )
            : await sha256OfStream(await sink.read("video.ts"));
        const recordMatches = (await readRecordChecksum(sink)) === expectedChecksum;
        const peak = Math.max(report.sampledPeakRss, report.vmHwm ?? 0);
        const originGets = origin.requests.filter(
          (r) => r.method === "GET" && r.path.endsWith("video.ts"),
        ).length;
        const sha256Matches = stored === expected;
        rows.push({
          sink: name,
          status: report.result.status,
          peakRssBytes: peak,
          sampledPeakRssBytes: report.sampledPeakRss,
          vmHwmBytes: report.vmHwm ?? null,
          baselineRssBytes: report.baselineRss,
          seconds: report.seconds,
          sha256Matches,
          recordMatches,
          originGets,
          pass: report.result.status === "COMPLETE" && sha256Matches && recordMatches && peak < TARGET_BYTES,
        });
        if (name === "directory") await rm(destination, { recursive: true, force: true });
      } finally {
        await moto?.stop();
      }
    }
  } finally {
    await origin.close();
    await rm(work, { recursive: true, force: true });
  }
  printTable(size, TARGET_BYTES, rows);
  process.stdout.write(`${JSON.stringify({ sizeBytes: size, targetBytes: TARGET_BYTES, results: rows })}\n`);
  return rows.every((row) => row.pass || row.skipped !== undefined);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      size: { type: "string", default: "2g" },
      sinks: { type: "string", default: "directory,s3" },
      child: { type: "string" },
      entry: { type: "string" },
      destination: { type: "string" },
    },
    strict: true,
  });
  if (values.child !== undefined) {
    await runChild(values.child as SinkName, values.entry ?? "", values.destination ?? "");
    return;
  }
  const sinks = values.sinks.split(",").map((name) => name.trim());
  const unknown = sinks.filter((name) => name !== "directory" && name !== "s3");
  if (unknown.length > 0) throw new Error(`--sinks: unknown ${unknown.join(", ")} (use directory, s3)`);
  const ok = await runParent(parseSize(values.size), sinks as SinkName[]);
  process.exitCode = ok ? 0 : 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`memory check failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 2;
});
