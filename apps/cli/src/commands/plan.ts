import { createOriginClient, type HarvestPlan, type OriginRequest, planHarvest } from "@vod-harvest/harvest";
import { ExitCode, type ExitCodeValue } from "../exit-codes.js";
import type { CliIo } from "../io.js";

export interface PlanArguments {
  readonly entryUrl: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly allowHosts: readonly string[];
}

// Lines are written in batches: one write per resource is slow for assets of 100 000 segments.
const LINES_PER_WRITE = 1000;

/** `plan`: one `{"url","key","kind"}` line per resource on stdout, a one-line summary on stderr. */
export async function runPlan(args: PlanArguments, io: CliIo, signal: AbortSignal): Promise<ExitCodeValue> {
  const request: OriginRequest = {
    entryUrl: args.entryUrl,
    headers: args.headers,
    allowHosts: args.allowHosts,
  };
  const client = createOriginClient({ headers: args.headers });
  let plan: HarvestPlan;
  try {
    plan = await planHarvest(request, { client, signal });
  } finally {
    await client.close();
  }
  let batch: string[] = [];
  for (const { url, key, kind } of plan.resources) {
    batch.push(JSON.stringify({ url, key, kind }));
    if (batch.length === LINES_PER_WRITE) {
      io.out(`${batch.join("\n")}\n`);
      batch = [];
    }
  }
  if (batch.length > 0) io.out(`${batch.join("\n")}\n`);
  const manifests = plan.resources.filter((resource) => resource.kind === "manifest").length;
  io.err(
    `planned ${plan.resources.length} resources (${manifests} manifests) from ${args.entryUrl}; root ${plan.root}\n`,
  );
  return ExitCode.Ok;
}
