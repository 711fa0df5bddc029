/**
 * One measured job, run in its own process so its CPU time and peak RSS are its own (the origin and moto run in
 * other processes). Reads a JobSpec as JSON from argv[2]; prints a JobReport as JSON on its last stdout line.
 */
import { readFile } from "node:fs/promises";
import { createOriginClient, harvest, planHarvest } from "@vod-harvest/harvest";
import {
  createDirectorySink,
  createS3ClientFromEnv,
  createS3Sink,
  type DirectorySyncMode,
} from "@vod-harvest/s3-sink";
import { type RawItem, rawCopy } from "./baseline.js";

export type JobMode = "engine" | "baseline" | "plan";
export type SinkKind = "directory" | "s3";

export interface JobSpec {
  readonly mode: JobMode;
  readonly sink: SinkKind;
  readonly entryUrl: string;
  /** For the baseline: a JSON file holding the RawItem list. */
  readonly itemsFile?: string;
  /** A directory, or a key prefix in `bucket`. */
  readonly destination: string;
  readonly bucket: string;
  readonly concurrency: number;
  /** The directory sink's sync mode (default: the sink's own default). */
  readonly directorySync?: DirectorySyncMode;
  /** Write a CPU profile of the job into this directory (node --cpu-prof is set by the parent). */
  readonly profile?: boolean;
}

export interface JobReport {
  readonly objects: number;
  readonly bytes: number;
  readonly status: string;
  readonly seconds: number;
  readonly cpuSeconds: number;
  /** The part of cpuSeconds spent in the kernel (file system, sockets). */
  readonly systemSeconds: number;
  /** The kernel's high-water mark of resident memory (VmHWM), bytes. */
  readonly peakRss: number;
  /** Engine jobs: where the wall time went (the baseline has no such phases: it is given its URL list). */
  readonly phases?: EnginePhases;
}

/** Seconds from the job's start to the plan, from the plan to the last object stored, then to the end. */
export interface EnginePhases {
  /** Crawl and plan: every manifest fetched and parsed, the object list made. */
  readonly plan: number;
  readonly copy: number;
  /** Verification listing, checksums, completion record. */
  readonly finish: number;
}

async function peakRssBytes(): Promise<number> {
  const status = await readFile("/proc/self/status", "utf8").catch(() => "");
  const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
  // Elsewhere (macOS) the runtime's own figure, in kB on every platform Node supports.
  return match ? Number(match[1]) * 1024 : process.resourceUsage().maxRSS * 1024;
}

function sinkFor(spec: JobSpec) {
  if (spec.sink === "directory")
    return createDirectorySink(spec.destination, spec.directorySync ? { sync: spec.directorySync } : {});
  // Endpoint and credentials come from the environment the parent set (moto).
  const client = createS3ClientFromEnv({ forcePathStyle: true });
  return createS3Sink({ client, bucket: spec.bucket, prefix: spec.destination });
}

async function run(
  spec: JobSpec,
): Promise<Omit<JobReport, "seconds" | "cpuSeconds" | "systemSeconds" | "peakRss">> {
  if (spec.mode === "plan") {
    const client = createOriginClient({ connections: spec.concurrency });
    try {
      const plan = await planHarvest({ entryUrl: spec.entryUrl }, { client });
      return { objects: plan.resources.length, bytes: 0, status: "PLANNED" };
    } finally {
      await client.close();
    }
  }
  if (spec.mode === "engine") {
    const started = performance.now();
    const since = () => (performance.now() - started) / 1000;
    let planned = Number.NaN;
    let lastStored = Number.NaN;
    const result = await harvest({ entryUrl: spec.entryUrl }, sinkFor(spec), {
      concurrency: spec.concurrency,
      onProgress: (event) => {
        if (event.type === "planned") planned = since();
        else if (event.type === "object") lastStored = since();
      },
    });
    const phases = { plan: planned, copy: lastStored - planned, finish: since() - lastStored };
    return { objects: result.objects, bytes: result.bytes, status: result.status, phases };
  }
  const items = JSON.parse(await readFile(spec.itemsFile ?? "", "utf8")) as RawItem[];
  const target =
    spec.sink === "directory"
      ? ({ kind: "directory", root: spec.destination } as const)
      : ({
          kind: "s3",
          // The SDK's default checksum (CRC32, computed in JavaScript, sent as a trailer), as a plain SDK copier
          // pays it against AWS; the engine sends its own CRC32C (computed once, natively) on every put.
          client: createS3ClientFromEnv({
            forcePathStyle: true,
            clientConfig: { requestChecksumCalculation: "WHEN_SUPPORTED" },
          }),
          bucket: spec.bucket,
          prefix: spec.destination,
        } as const);
  const copied = await rawCopy(items, target, spec.concurrency);
  return { ...copied, status: "COPIED" };
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? "") as JobSpec;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const outcome = await run(spec);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const report: JobReport = {
    ...outcome,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    systemSeconds: cpu.system / 1e6,
    peakRss: await peakRssBytes(),
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench job failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
