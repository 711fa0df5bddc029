/**
 * `pnpm bench` (issue 6): throughput, CPU and peak memory of the harvest engine against a raw copy of the same
 * URL list, on synthetic assets served by the project's test origin, into the directory sink and moto's S3.
 *
 *   pnpm bench                        # full size (about 15 minutes on 2 cores)
 *   pnpm bench --size tiny            # CI smoke run (seconds)
 *   pnpm bench --runs 5 --only hls,dash --sinks directory --cpu-prof /tmp/prof
 *   pnpm bench --only hls --sinks directory --directory-sync put   # the directory sink fsyncing every put
 *
 * Prints a Markdown table on stdout, then one JSON line; progress goes to stderr.
 */

import { execFileSync } from "node:child_process";
import { mkdir, rm, statfs, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { DirectorySyncMode } from "@vod-harvest/s3-sink";
import { type MotoServer, motoAvailable, startMoto } from "@vod-harvest/testing/moto";
import { anchorTools, buildCli, type Nginx, runCliCopy, runCurl, startNginx } from "./anchors.js";
import { type Asset, type GeneratedAssets, generateAssets } from "./assets.js";
import type { JobReport, JobSpec, SinkKind } from "./child.js";
import { runJob, startOrigin } from "./processes.js";
import { type BenchProfile, PROFILES } from "./profiles.js";
import { anchorTable, markdownTable, median, phasesTable, type Row, summarize } from "./report.js";

const BUCKET = "bench";
const CASES = ["hls", "dash", "big", "scaling", "plan"] as const;
type CaseName = (typeof CASES)[number];

/** Copies of assets with at least this many files stay on disk until the run ends (see Context.keepOutputs). */
const KEEP_OUTPUTS_FROM_FILES = 100;

const log = (message: string) => process.stderr.write(`${message}\n`);

interface Context {
  readonly profile: BenchProfile;
  readonly assets: GeneratedAssets;
  readonly work: string;
  /** moto is there: S3 cases run, each job against a moto process of its own. */
  readonly s3: boolean;
  readonly directorySync: DirectorySyncMode | undefined;
  readonly cpuProfileDir: string | undefined;
  /**
   * Directory copies stay on disk until the run ends. Deleting thousands of files between jobs made the next jobs
   * slow and uneven: ext4 without a journal (this machine's) will not reuse an inode for 60–300 s after its delete
   * and scans past every such inode on each create (perf: a third of all CPU in `recently_deleted` and the
   * directory lock held meanwhile). Off when the disk has no room for every copy (then each is deleted at once).
   */
  readonly keepOutputs: boolean;
  /** nginx serving the assets and curl: directory cases also time curl and the built command against it. */
  readonly anchor: { readonly nginx: Nginx; readonly curl: string } | undefined;
}

type AnchorMode = "cli" | "curl";

/** One whole-process job against nginx (curl, or the built command) into an empty directory. */
async function measureAnchor(context: Context, asset: Asset, mode: AnchorMode): Promise<JobReport> {
  const anchor = context.anchor as NonNullable<Context["anchor"]>;
  const id = `job${++jobCounter}`;
  const destination = join(context.work, id);
  const { concurrency } = context.profile;
  try {
    execFileSync("sync");
    const report =
      mode === "curl"
        ? await runCurl(anchor.curl, anchor.nginx, asset, destination, concurrency)
        : await runCliCopy(anchor.nginx, asset, destination, concurrency, join(context.work, `${id}.state`));
    if (report.objects !== asset.files.length || !["COMPLETE", "COPIED"].includes(report.status)) {
      throw new Error(
        `${asset.name} ${mode}: ${report.status}, ${report.objects}/${asset.files.length} objects`,
      );
    }
    log(
      `  ${asset.name} ${mode.padEnd(8)} directory ${report.seconds.toFixed(2)} s (whole process, from nginx), ` +
        `CPU ${report.cpuSeconds.toFixed(2)} s (kernel ${report.systemSeconds.toFixed(2)})`,
    );
    return report;
  } finally {
    const keep = context.keepOutputs && asset.files.length >= KEEP_OUTPUTS_FROM_FILES;
    if (!keep) await rm(destination, { recursive: true, force: true });
  }
}

let jobCounter = 0;

/**
 * A fresh moto with the bucket, for one job. Not one moto reset between jobs: a reset empties it but the Python
 * process keeps the memory it grew, so the first job after start paid for that growth and the next did not
 * (2 GiB to S3: 39 s for the job run first, 30 s for the same job run second).
 */
async function freshMoto(): Promise<MotoServer> {
  const moto = await startMoto();
  const bucket = await fetch(`${moto.endpoint}/${BUCKET}`, { method: "PUT" });
  if (!bucket.ok) {
    await moto.stop();
    throw new Error(`CreateBucket failed: HTTP ${bucket.status}`);
  }
  return moto;
}

/** One job against a fresh origin process and an empty destination; checks it copied the whole asset. */
async function measure(
  context: Context,
  asset: Asset,
  mode: JobSpec["mode"],
  sink: SinkKind,
): Promise<JobReport> {
  const origin = await startOrigin(context.assets.root);
  const id = `job${++jobCounter}`;
  const destination = sink === "directory" ? join(context.work, id) : `${id}/${asset.name}`;
  let moto: MotoServer | undefined;
  try {
    if (sink === "s3") moto = await freshMoto();
    let itemsFile: string | undefined;
    if (mode === "baseline") {
      itemsFile = join(context.work, `${id}.items.json`);
      const items = asset.files.map((file) => ({ url: origin.url + file.path, key: file.key }));
      await writeFile(itemsFile, JSON.stringify(items));
    }
    const spec: JobSpec = {
      mode,
      sink,
      entryUrl: origin.url + asset.entryPath,
      destination,
      bucket: BUCKET,
      concurrency: context.profile.concurrency,
      ...(itemsFile ? { itemsFile } : {}),
      ...(context.directorySync ? { directorySync: context.directorySync } : {}),
    };
    const env = moto?.env ?? {};
    // Engine and baseline profiles side by side (`<dir>/engine`, `<dir>/baseline`), to compare where each spends.
    const profiled = context.cpuProfileDir === undefined ? undefined : join(context.cpuProfileDir, mode);
    // Every job starts with no dirty pages left by the one before (or by asset generation): otherwise the
    // kernel's writeback lands on whichever job comes next, engine or baseline alike.
    execFileSync("sync");
    const originCpuBefore = origin.cpuSeconds();
    const report = await runJob(spec, env, profiled);
    const originCpu = (origin.cpuSeconds() ?? Number.NaN) - (originCpuBefore ?? Number.NaN);
    const expected = mode === "plan" ? context.profile.planningSegments + 1 : asset.files.length;
    if (report.objects !== expected || !["COMPLETE", "COPIED", "PLANNED"].includes(report.status)) {
      throw new Error(
        `${asset.name} ${mode} → ${sink}: ${report.status}, ${report.objects}/${expected} objects`,
      );
    }
    const { phases } = report;
    const phaseText = phases
      ? ` (plan ${phases.plan.toFixed(2)}, copy ${phases.copy.toFixed(2)}, verify + record ${phases.finish.toFixed(2)})`
      : "";
    log(
      `  ${asset.name} ${mode.padEnd(8)} ${sink.padEnd(9)} ${report.seconds.toFixed(2)} s${phaseText}, ` +
        `CPU ${report.cpuSeconds.toFixed(2)} s (kernel ${report.systemSeconds.toFixed(2)}), origin CPU ${originCpu.toFixed(2)} s, peak RSS ${(report.peakRss / 2 ** 20).toFixed(0)} MiB`,
    );
    return report;
  } finally {
    await origin.stop();
    await moto?.stop();
    // A few large files (the 2 GiB case) are deleted at once: no inode to speak of, and kept they would fill the
    // page cache and make every later job pay for reclaim.
    const keep = context.keepOutputs && asset.files.length >= KEEP_OUTPUTS_FROM_FILES;
    if (sink === "directory" && !keep) await rm(destination, { recursive: true, force: true });
  }
}

/**
 * Engine and baseline alternately (ABAB, the first swapping every run), so shifting load hits both alike; into a
 * directory with the anchor, curl and the built command take their turns too (the order rotating every run).
 */
async function compare(context: Context, asset: Asset, sink: SinkKind, label = asset.name): Promise<Row> {
  const engine: JobReport[] = [];
  const baseline: JobReport[] = [];
  const cli: JobReport[] = [];
  const curl: JobReport[] = [];
  const ratios: number[] = [];
  const curlRatios: number[] = [];
  const anchored = sink === "directory" && context.anchor !== undefined;
  const modes = anchored
    ? (["engine", "baseline", "cli", "curl"] as const)
    : (["engine", "baseline"] as const);
  const run1 = async (mode: (typeof modes)[number]) => {
    if (mode === "cli" || mode === "curl")
      (mode === "cli" ? cli : curl).push(await measureAnchor(context, asset, mode));
    else (mode === "engine" ? engine : baseline).push(await measure(context, asset, mode, sink));
  };
  if (sink === "directory" && context.profile.warmUp) {
    // Not counted: the first copies after a start (cold page cache for the asset, JIT, inode tables, the deletes
    // of an earlier run) ran up to twice as long as the next ones, for engine and baseline alike.
    log("  warm-up (not counted):");
    for (const mode of modes) {
      if (mode === "cli" || mode === "curl") await measureAnchor(context, asset, mode);
      else await measure(context, asset, mode, sink);
    }
  }
  for (let run = 0; run < context.profile.runs; run++) {
    const order = modes.map((_, index) => modes[(index + run) % modes.length] as (typeof modes)[number]);
    for (const mode of order) await run1(mode);
    ratios.push((baseline.at(-1) as JobReport).seconds / (engine.at(-1) as JobReport).seconds);
    if (anchored) curlRatios.push((curl.at(-1) as JobReport).seconds / (cli.at(-1) as JobReport).seconds);
  }
  const first = engine[0] as JobReport;
  return {
    case: label,
    sink,
    objects: first.objects,
    bytes: first.bytes,
    engine: summarize(engine),
    baseline: summarize(baseline),
    ratio: median(ratios),
    pairRatios: ratios,
    ...(anchored
      ? { cli: summarize(cli), curl: summarize(curl), curlRatio: median(curlRatios), curlRatios }
      : {}),
  };
}

async function engineOnly(
  context: Context,
  asset: Asset,
  mode: "engine" | "plan",
  label: string,
): Promise<Row> {
  const reports: JobReport[] = [];
  for (let run = 0; run < context.profile.runs; run++)
    reports.push(await measure(context, asset, mode, "directory"));
  const first = reports[0] as JobReport;
  return {
    case: label,
    sink: mode === "plan" ? "(plan only)" : "directory",
    objects: first.objects,
    bytes: first.bytes,
    engine: summarize(reports),
    baseline: undefined,
    ratio: undefined,
    pairRatios: [],
  };
}

async function runCases(context: Context, cases: readonly CaseName[], sinks: readonly SinkKind[]) {
  const rows: Row[] = [];
  const { assets } = context;
  const copySinks = sinks.filter((sink) => sink === "directory" || context.s3);
  for (const name of cases) {
    log(`${name}:`);
    if (name === "hls" || name === "dash" || name === "big") {
      const asset = assets[name];
      const label = name === "big" ? `single ${(asset.bytes / 2 ** 20).toFixed(0)} MiB byte-range` : name;
      for (const sink of copySinks) rows.push(await compare(context, asset, sink, label));
      // The per-object cost against curl: into a directory only (curl cannot PUT a tree).
      if (name === "hls" && sinks.includes("directory")) {
        for (const wire of assets.wire) rows.push(await compare(context, wire, "directory"));
      }
    } else if (name === "scaling") {
      for (const asset of assets.scaling) {
        rows.push(await engineOnly(context, asset, "engine", `scaling ${asset.files.length - 1} segments`));
      }
    } else {
      const label = `planning ${context.profile.planningSegments} segments`;
      rows.push(await engineOnly(context, assets.planning, "plan", label));
    }
  }
  return rows;
}

const gb = (bytes: number) => `${(bytes / 1e9).toFixed(1)} GB`;

/** Bytes the directory copies kept until the end take (compared cases twice per run plus warm-up, scaling once). */
function directoryBytesNeeded(
  assets: GeneratedAssets,
  profile: BenchProfile,
  cases: readonly CaseName[],
  sinks: readonly SinkKind[],
): number {
  let bytes = 0;
  // Engine, baseline, and with the anchor the built command and curl: one copy each per run and warm-up.
  const copies = 4 * (profile.runs + (profile.warmUp ? 1 : 0));
  if (sinks.includes("directory")) {
    for (const name of ["hls", "dash", "big"] as const) {
      const asset = assets[name];
      if (cases.includes(name) && asset.files.length >= KEEP_OUTPUTS_FROM_FILES)
        bytes += copies * asset.bytes;
    }
  }
  if (sinks.includes("directory") && cases.includes("hls")) {
    for (const asset of assets.wire)
      if (asset.files.length >= KEEP_OUTPUTS_FROM_FILES) bytes += copies * asset.bytes;
  }
  if (cases.includes("scaling")) {
    for (const asset of assets.scaling)
      if (asset.files.length >= KEEP_OUTPUTS_FROM_FILES) bytes += profile.runs * asset.bytes;
  }
  return bytes;
}

function parseList<T extends string>(text: string, allowed: readonly T[], option: string): T[] {
  const values = text.split(",").map((value) => value.trim());
  const unknown = values.filter((value) => !allowed.includes(value as T));
  if (unknown.length > 0)
    throw new Error(`${option}: unknown ${unknown.join(", ")} (use ${allowed.join(", ")})`);
  return values as T[];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      size: { type: "string", default: "full" },
      runs: { type: "string" },
      concurrency: { type: "string" },
      only: { type: "string", default: CASES.join(",") },
      sinks: { type: "string", default: "directory,s3" },
      assets: { type: "string" },
      "cpu-prof": { type: "string" },
      "directory-sync": { type: "string" },
    },
    strict: true,
  });
  const base = PROFILES[values.size as BenchProfile["name"]];
  if (base === undefined) throw new Error(`--size: expected full or tiny, got ${values.size}`);
  const profile: BenchProfile = {
    ...base,
    ...(values.runs ? { runs: Number(values.runs) } : {}),
    ...(values.concurrency ? { concurrency: Number(values.concurrency) } : {}),
  };
  const cases = parseList(values.only, CASES, "--only");
  const sinks = parseList(values.sinks, ["directory", "s3"] as const, "--sinks");
  const assetsDir = values.assets ?? join(tmpdir(), `vod-harvest-bench-assets-${profile.name}`);
  const work = join(tmpdir(), `vod-harvest-bench-out-${process.pid}`);
  await mkdir(work, { recursive: true });

  log(`generating assets in ${assetsDir} (reused when already there)…`);
  const assets = await generateAssets(assetsDir, profile);
  const s3 = sinks.includes("s3") && motoAvailable();
  if (sinks.includes("s3") && !s3)
    log("*** S3 cases SKIPPED: moto not available (python3 -m moto.server) ***");
  const directorySync = values["directory-sync"]
    ? (parseList(
        values["directory-sync"],
        ["none", "flush", "put"] as const,
        "--directory-sync",
      )[0] as DirectorySyncMode)
    : undefined;
  const needed = directoryBytesNeeded(assets, profile, cases, sinks);
  const space = await statfs(work);
  const free = space.bavail * space.bsize;
  // Half the free space at most: the run must not fill the disk of the machine it measures.
  const keepOutputs = needed < free / 2;
  log(
    keepOutputs
      ? `directory copies kept until the end: ${gb(needed)} of ${gb(free)} free in ${work}`
      : `*** directory copies deleted after each job (${gb(needed)} needed, ${gb(free)} free in ${work}): ` +
          "jobs after a delete can be slower (ext4 inode reuse), figures less even ***",
  );
  const tools = sinks.includes("directory") ? anchorTools() : undefined;
  if (sinks.includes("directory") && tools === undefined) {
    log("*** curl anchor SKIPPED: nginx or curl missing (apt-get install -y nginx curl) ***");
  }
  if (tools) buildCli();
  const nginx = tools ? await startNginx(tools.nginx, assets.root) : undefined;
  const loadBefore = loadavg();
  const started = Date.now();
  let rows: Row[];
  try {
    const cpuProfileDir = values["cpu-prof"];
    const anchor = nginx && tools ? { nginx, curl: tools.curl } : undefined;
    const context = { profile, assets, work, s3, directorySync, cpuProfileDir, keepOutputs, anchor };
    rows = await runCases(context, cases, sinks);
  } finally {
    await nginx?.stop();
    await rm(work, { recursive: true, force: true });
  }
  const loadAfter = loadavg();
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverageBefore: loadBefore.map((value) => Number(value.toFixed(2))),
    loadAverageAfter: loadAfter.map((value) => Number(value.toFixed(2))),
  };
  const table = markdownTable(rows);
  const phases = phasesTable(rows);
  const anchors = anchorTable(rows);
  process.stdout.write(
    `\n${table}\n\n${anchors ? `Against the wire (whole processes from nginx, into a directory):\n\n${anchors}\n\n` : ""}${phases ? `Engine phases (median):\n\n${phases}\n\n` : ""}${profile.name} profile, ${profile.runs} run(s) each (median), concurrency ` +
      `${profile.concurrency}; ${machine.cpus} × ${machine.cpuModel}; load average ${machine.loadAverageBefore.join(" ")} ` +
      `before, ${machine.loadAverageAfter.join(" ")} after; ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
  );
  process.stdout.write(`${JSON.stringify({ profile, machine, rows })}\n`);
}

main().catch((error: unknown) => {
  log(`bench failed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exitCode = 1;
});
