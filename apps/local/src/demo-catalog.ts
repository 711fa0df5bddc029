/**
 * `pnpm demo --assets N`: N assets of the demo source in the emulator's packaging group, all harvested by one
 * execution of the catalogue state machine (`vod-harvest start --catalog --follow`, as against AWS), ending with one
 * row per asset and configuration, read back from the Map Run's result files, and a summary line with the wall
 * time and the stack's peak memory.
 */
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createS3Sink, readObjectText } from "@vod-harvest/s3-sink";
import { type ChildResult, childResultsOf } from "@vod-harvest/workflow";
import { catalogResultTable } from "./stack/demo-report.js";
import type { LocalStack } from "./stack/local-stack.js";
import {
  catalogAssetIds,
  createDemoAssets,
  createDemoPackagingGroup,
  createDemoSource,
  DEMO_CONFIGURATIONS,
  demoCatalogInput,
  waitUntilPackaged,
} from "./stack/scenario.js";

/** At most this many assets: each is packaged by ffmpeg on this machine. */
const MAX_DEMO_ASSETS = 1000;

export interface CatalogDemoContext {
  readonly stack: LocalStack;
  readonly scratch: string;
  readonly say: (line: string) => void;
  readonly runCli: (
    args: readonly string[],
    tag: string,
  ) => Promise<{ readonly code: number | null; readonly output: string }>;
}

/** `--assets N` → N, or an error message naming the option. */
export function parseAssetCount(argv: readonly string[]): number | string | undefined {
  const index = argv.indexOf("--assets");
  if (index === -1) return undefined;
  const text = argv[index + 1];
  const count = Number(text);
  if (text === undefined || !Number.isInteger(count) || count < 1 || count > MAX_DEMO_ASSETS) {
    return `--assets needs a whole number of assets from 1 to ${MAX_DEMO_ASSETS}, got ${JSON.stringify(text ?? "")}`;
  }
  return count;
}

/** Peak resident memory of a process from /proc (Linux), in bytes; undefined elsewhere. */
function peakRssOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

/** Every child's result, from the manifest the Map Run wrote (`report` of the summary). */
async function childResults(stack: LocalStack, report: string): Promise<ChildResult[]> {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(report);
  if (match === null) throw new Error(`the catalogue reported no result manifest: ${report}`);
  const sink = createS3Sink({ client: stack.clients.s3, bucket: match[1] as string });
  const manifest = JSON.parse(await readObjectText(sink, match[2] as string)) as {
    ResultFiles?: Record<string, { Key: string }[]>;
  };
  const entries: unknown[] = [];
  for (const file of Object.values(manifest.ResultFiles ?? {}).flat()) {
    entries.push(...(JSON.parse(await readObjectText(sink, file.Key)) as unknown[]));
  }
  return childResultsOf(entries);
}

export async function runCatalogDemo(context: CatalogDemoContext, count: number): Promise<number> {
  const { stack, scratch, say } = context;
  const started = Date.now();
  await createDemoPackagingGroup(stack);
  const configurations = DEMO_CONFIGURATIONS.map((configuration) => configuration.Id);
  say(`packaging group pg-1 with CDN authorization; configurations ${configurations.join(", ")}`);
  const source = await createDemoSource(stack, join(scratch, "source"));
  say(`source generated and uploaded: ${source.sourceArn}`);
  const ids = catalogAssetIds(count);
  await createDemoAssets(stack, source.sourceArn, ids);
  say(
    `${count} assets created (${ids[0]} … ${ids.at(-1)}): the emulator packages each, as MediaPackage would`,
  );
  // A catalogue harvests a packaged library; on this machine ffmpeg packages one endpoint at a time.
  let lastShown = 0;
  await waitUntilPackaged(stack, ids, (done, total) => {
    if (done === total || Date.now() - lastShown >= 5_000) {
      lastShown = Date.now();
      say(`packaged ${done}/${total} endpoints`);
    }
  });

  const inputFile = join(scratch, "catalog.json");
  const input = demoCatalogInput({ destinationBucket: stack.destinationBucket, maxConcurrency: 8 });
  await writeFile(inputFile, `${JSON.stringify(input, null, 2)}\n`);
  const run = await context.runCli(
    [
      ["start", "--catalog", "--follow", "--name", `catalog-${Date.now()}`],
      ["--state-machine-arn", stack.catalogStateMachineArn, "--endpoint-url", stack.sfnEndpoint],
      ["--input", `file://${inputFile}`],
    ].flat(),
    "start",
  );
  const summary = (JSON.parse(run.output || "{}") as { summary?: { report?: string } }).summary;
  if (summary?.report === undefined) {
    say(`vod-harvest start exited ${run.code} without a catalogue summary`);
    return 1;
  }
  const children = await childResults(stack, summary.report);
  process.stdout.write(`\n${catalogResultTable(children)}\n\n`);

  const rows = children.flatMap((child) => child.results ?? []);
  const byStatus = new Map<string, number>();
  for (const row of rows) byStatus.set(row.status, (byStatus.get(row.status) ?? 0) + 1);
  const statuses = [...byStatus].map(([status, n]) => `${n} ${status}`).join(", ");
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const demoRss = process.resourceUsage().maxRSS * 1024;
  const motoRss = peakRssOf(stack.motoPid);
  const memory = `peak memory: demo process (stack, Lambdas, Map) ${mib(demoRss)}${
    motoRss === undefined ? "" : `, moto ${mib(motoRss)}`
  }`;
  say(
    `${count} assets × ${configurations.length} configurations: ${rows.length} rows (${statuses}) in ${seconds} s; ${memory}`,
  );
  const expected = count * configurations.length;
  const allHarvested =
    rows.length === expected && rows.every((row) => row.status === "COMPLETE" || row.status === "SKIPPED");
  return run.code === 0 && allHarvested ? 0 : 1;
}
