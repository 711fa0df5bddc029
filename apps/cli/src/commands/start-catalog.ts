/**
 * `vod-harvest start --catalog --follow`: a catalogue execution's progress read from its Map Run (ListMapRuns,
 * DescribeMapRun: the same calls against AWS and the local stack) as one progress bar over assets, and the summary
 * the execution wrote. The line and summary formatting are pure and exported for tests.
 */
import {
  DescribeMapRunCommand,
  ListMapRunsCommand,
  type MapRunItemCounts,
  type SFNClient,
} from "@aws-sdk/client-sfn";
import cliProgress from "cli-progress";
import type { CliIo } from "../io.js";
import { formatBytes } from "../progress.js";
import type { ExecutionProgress } from "./start-progress.js";

/** The Map Run's item counts, as far as the follower needs them. */
export interface AssetCounts {
  readonly total: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly running: number;
}

export function assetCountsOf(counts: MapRunItemCounts | undefined): AssetCounts | undefined {
  if (counts === undefined) return undefined;
  return {
    total: counts.total ?? 0,
    succeeded: counts.succeeded ?? 0,
    // Timed out and aborted children did not harvest their asset either.
    failed: (counts.failed ?? 0) + (counts.timedOut ?? 0) + (counts.aborted ?? 0),
    running: counts.running ?? 0,
  };
}

export function assetProgressLine(counts: AssetCounts): string {
  const done = counts.succeeded + counts.failed;
  const parts = [`assets ${done}/${counts.total}`, `${counts.succeeded} harvested`];
  if (counts.failed > 0) parts.push(`${counts.failed} failed`);
  parts.push(`${counts.running} running`);
  return parts.join(", ");
}

interface CatalogSummary {
  readonly assets?: number;
  readonly succeeded?: number;
  readonly failed?: number;
  readonly endpoints?: Readonly<Record<string, number>>;
  readonly bytes?: number;
  readonly failedAssetIds?: readonly string[];
  readonly report?: string;
}

export function summaryOf(output: string | undefined): CatalogSummary | undefined {
  if (output === undefined) return undefined;
  try {
    const summary = (JSON.parse(output) as { summary?: unknown }).summary;
    return typeof summary === "object" && summary !== null ? (summary as CatalogSummary) : undefined;
  } catch {
    return undefined;
  }
}

/** Failed asset ids shown on the terminal; the report has them all. */
const SHOWN_FAILURES = 20;

export function catalogSummaryLines(summary: CatalogSummary): string[] {
  const endpoints = Object.entries(summary.endpoints ?? {})
    .map(([status, n]) => `${n} ${status}`)
    .join(", ");
  const lines = [
    `${summary.assets ?? 0} assets: ${summary.succeeded ?? 0} harvested, ${summary.failed ?? 0} failed; ` +
      `endpoints ${endpoints || "none"}; ${formatBytes(summary.bytes ?? 0)} in the copies`,
  ];
  const failed = summary.failedAssetIds ?? [];
  if (failed.length > 0) {
    const more = failed.length > SHOWN_FAILURES ? ` … and ${failed.length - SHOWN_FAILURES} more` : "";
    lines.push(`failed assets: ${failed.slice(0, SHOWN_FAILURES).join(", ")}${more}`);
  }
  if (summary.report) lines.push(`report: ${summary.report}`);
  return lines;
}

/** A bar on a terminal, else a line whenever the counts change. */
function assetRenderer(io: CliIo) {
  if (!io.stderrIsTTY) {
    let last = "";
    return {
      update(counts: AssetCounts) {
        const line = assetProgressLine(counts);
        if (line !== last) io.err(`${line}\n`);
        last = line;
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar({
    stream: io.stderrStream,
    format: "{bar} {value}/{total} assets | {succeeded} harvested | {failed} failed | {running} running",
    hideCursor: true,
    barsize: 30,
  });
  let started = false;
  return {
    update(counts: AssetCounts) {
      const payload = { succeeded: counts.succeeded, failed: counts.failed, running: counts.running };
      if (!started) bar.start(counts.total, 0, payload);
      started = true;
      bar.setTotal(counts.total);
      bar.update(counts.succeeded + counts.failed, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

async function mapRunCounts(client: SFNClient, executionArn: string): Promise<AssetCounts | undefined> {
  const { mapRuns } = await client.send(new ListMapRunsCommand({ executionArn }));
  const mapRunArn = mapRuns?.[0]?.mapRunArn;
  if (mapRunArn === undefined) return undefined;
  const run = await client.send(new DescribeMapRunCommand({ mapRunArn }));
  return assetCountsOf(run.itemCounts);
}

/** What the follower shows after each poll of a catalogue execution: its Map Run's counts, on one bar. */
export function catalogProgress(client: SFNClient, executionArn: string, io: CliIo): ExecutionProgress {
  const renderer = assetRenderer(io);
  return {
    async poll() {
      const counts = await mapRunCounts(client, executionArn);
      if (counts !== undefined) renderer.update(counts);
    },
    stop: () => renderer.stop(),
  };
}
