import {
  createFileProgressStore,
  defaultStateDirectory,
  type FileProgressStore,
  type HarvestResult,
  harvest,
  journalPathFor,
  type OriginRequest,
  sourceOf,
} from "@vod-harvest/harvest";
import {
  createDirectorySink,
  type DirectorySink,
  type DirectorySyncMode,
  type ObjectSink,
} from "@vod-harvest/s3-sink/base";
import { ExitCode, type ExitCodeValue, exitCodeForStatus } from "../exit-codes.js";
import type { CliIo } from "../io.js";
import type { Destination } from "../options.js";
import { createProgressRenderer, formatBytes, type ProgressSnapshot } from "../progress.js";

export interface CopyArguments {
  readonly entryUrl: string;
  readonly destination: Destination;
  readonly headers: Readonly<Record<string, string>>;
  readonly allowHosts: readonly string[];
  readonly concurrency?: number;
  readonly ratePerSecond?: number;
  readonly timeBudgetSeconds?: number;
  readonly overwrite: boolean;
  readonly json: boolean;
  readonly pathStyle: boolean;
  /** Directory destinations only: when written files are fsynced (see createDirectorySink). */
  readonly sync: DirectorySyncMode;
}

/** The `--json` result line, exactly the command-line contract's shape. */
interface JsonResult {
  readonly status: HarvestResult["status"];
  readonly objects: number;
  readonly bytes: number;
  readonly entry: string;
  readonly failed: readonly { readonly url: string; readonly key: string; readonly error: string }[];
}

/** The sink for a destination; a directory sink can also sweep temp files a killed earlier run left behind. */
export async function createSink(
  destination: Destination,
  pathStyle: boolean,
  sync: DirectorySyncMode = "none",
): Promise<ObjectSink & Partial<Pick<DirectorySink, "cleanupPartials" | "prepareWrites">>> {
  if (destination.kind === "directory") return createDirectorySink(destination.path, { sync });
  const { createS3Destination } = await import("../s3-destination.js");
  return createS3Destination(destination, pathStyle);
}

function jsonResultOf(result: HarvestResult): JsonResult {
  return {
    status: result.status,
    objects: result.objects,
    bytes: result.bytes,
    entry: result.entry,
    failed: result.failed.map(({ url, key, error }) => ({ url, key, error })),
  };
}

// A human summary lists this many failures; --json lists them all.
const FAILURES_SHOWN = 20;

function humanSummary(result: HarvestResult, location: string, interrupted: boolean): string {
  const size = `${result.objects} objects, ${formatBytes(result.bytes)}`;
  if (result.status === "SKIPPED") {
    return `SKIPPED: ${location} already holds a complete copy (${size}); use --overwrite to copy again\n`;
  }
  if (result.status === "COMPLETE") return `COMPLETE: ${size} in ${location} (entry ${result.entry})\n`;
  const lines = [`INCOMPLETE: ${size} in ${location}; no completion record written`];
  if (interrupted) lines.push("interrupted: run the same command again to resume");
  else if (result.stoppedEarly)
    lines.push("stopped at the time budget: run the same command again to resume");
  if (result.failed.length > 0) lines.push(`${result.failed.length} failed:`);
  for (const failure of result.failed.slice(0, FAILURES_SHOWN)) {
    lines.push(`  ${failure.key} (${failure.url}): ${failure.error}`);
  }
  if (result.failed.length > FAILURES_SHOWN) {
    lines.push(`  … and ${result.failed.length - FAILURES_SHOWN} more (all of them with --json)`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * The checksum journal of this destination and source, in the state directory: what lets a rerun keep the files
 * an earlier run wrote, and only those.
 */
function journalFor(location: string, entryUrl: string, env = process.env): FileProgressStore {
  const source = sourceOf(entryUrl);
  return createFileProgressStore({
    path: journalPathFor(defaultStateDirectory(env), location, source),
    destination: location,
    source,
  });
}

/** What is known when the engine throws on an interrupt instead of returning a result. */
function interruptedResult(snapshot: ProgressSnapshot): HarvestResult {
  return {
    status: "INCOMPLETE",
    objects: snapshot.objectsDone,
    bytes: snapshot.bytesDone,
    entry: "",
    failed: [],
    stoppedEarly: true,
  };
}

/**
 * `copy`: harvest into a directory or S3 with progress on stderr; the result as one JSON line (--json) or a human
 * summary on stdout. Ctrl-C aborts `signal`: the engine stops cleanly and the partial result is reported.
 */
export async function runCopy(args: CopyArguments, io: CliIo, signal: AbortSignal): Promise<ExitCodeValue> {
  const sink = await createSink(args.destination, args.pathStyle, args.sync);
  const request: OriginRequest = {
    entryUrl: args.entryUrl,
    headers: args.headers,
    allowHosts: args.allowHosts,
  };
  const renderer = createProgressRenderer({ stream: io.stderrStream, tty: io.stderrIsTTY });
  const journal = journalFor(sink.location, args.entryUrl);
  let result: HarvestResult;
  try {
    // A destination that cannot hold files is bad input: said before anything is fetched or created.
    await sink.check?.();
    // A killed run leaves temp files (never a final name); the destination must hold only the asset and its record.
    await sink.cleanupPartials?.({ signal });
    // The file writer thread starts while the asset is planned, not when the first segment arrives.
    sink.prepareWrites?.();
    // Overwrite means "copy again from the origin": nothing an earlier run wrote is kept.
    if (args.overwrite) await journal.remove();
    result = await harvest(request, sink, {
      ...(args.concurrency !== undefined ? { concurrency: args.concurrency } : {}),
      ...(args.ratePerSecond !== undefined ? { ratePerSecond: args.ratePerSecond } : {}),
      ...(args.timeBudgetSeconds !== undefined
        ? { budget: AbortSignal.timeout(args.timeBudgetSeconds * 1000) }
        : {}),
      overwrite: args.overwrite,
      progress: journal,
      signal,
      onProgress: (event) => renderer.handle(event),
    });
  } catch (error) {
    renderer.finish();
    journal.close();
    if (!signal.aborted) throw error;
    result = interruptedResult(renderer.tracker.snapshot());
  }
  renderer.finish();
  journal.close();
  // The completion record now vouches for every file.
  if (result.status !== "INCOMPLETE") await journal.remove();
  const interrupted = signal.aborted;
  if (args.json) io.out(`${JSON.stringify(jsonResultOf(result))}\n`);
  else io.out(humanSummary(result, sink.location, interrupted));
  if (interrupted) return ExitCode.Interrupted;
  return exitCodeForStatus(result.status);
}
