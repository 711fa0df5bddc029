/**
 * The catalogue workflow's two Lambdas. prepare-catalog: validates the input and writes the item list (one
 * per-asset execution input per line) to the destination bucket's state prefix — every asset of a packaging group
 * (ListAssets, all pages) or the lines of the user's item list. summarize-catalog: reads the result files the
 * Distributed Map wrote and reports counts, bytes and the failed assets.
 */
import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { createS3Sink, readObjectText } from "@vod-harvest/s3-sink";
import {
  type CatalogAsset,
  type CatalogJob,
  type CatalogRules,
  type CatalogSummary,
  catalogItemInput,
  childResultsOf,
  type ExecutionInput,
  InvalidRequestError,
  itemListInputs,
  prepareCatalog,
  summarizeCatalog,
} from "@vod-harvest/workflow";
import { HarvestStateInvalidError } from "../errors.js";
import { instrument, type LambdaHandler, type Observability } from "../observability.js";

/** MediaPackage VOD ListAssets, as the SDK takes and answers it (one page). */
export type ListAssets = (input: {
  readonly PackagingGroupId: string;
  readonly NextToken?: string;
}) => Promise<{ readonly Assets?: readonly CatalogAsset[]; readonly NextToken?: string }>;

export interface PrepareCatalogHandlerDeps extends Observability, CatalogRules {
  readonly s3: S3Client;
  readonly listAssets: ListAssets;
}

export interface PrepareCatalogInput {
  readonly input: unknown;
  readonly executionName: string;
}

export interface PrepareCatalogOutput extends CatalogJob {
  /** Items written to `itemsKey`: child executions the Map will start. */
  readonly count: number;
}

async function groupInputs(
  listAssets: ListAssets,
  groupId: string,
  job: CatalogJob,
): Promise<ExecutionInput[]> {
  const inputs: ExecutionInput[] = [];
  let token: string | undefined;
  do {
    const answer = await listAssets({ PackagingGroupId: groupId, ...(token ? { NextToken: token } : {}) });
    for (const asset of answer.Assets ?? []) inputs.push(catalogItemInput(asset, job, `asset ${asset.Id}`));
    token = answer.NextToken;
  } while (token !== undefined && token !== "");
  return inputs;
}

export function createPrepareCatalogHandler(
  deps: PrepareCatalogHandlerDeps,
): LambdaHandler<PrepareCatalogInput, PrepareCatalogOutput> {
  return instrument("prepare-catalog", deps, async (event) => {
    const rules = { destinationPrefix: deps.destinationPrefix ?? "" };
    const job = prepareCatalog(event, {
      ...rules,
      ...(deps.defaultMaxConcurrency !== undefined
        ? { defaultMaxConcurrency: deps.defaultMaxConcurrency }
        : {}),
    });
    const { source } = job;
    const inputs =
      source.kind === "packaging-group"
        ? await groupInputs(deps.listAssets, source.packagingGroupId, job)
        : itemListInputs(
            await readObjectText(createS3Sink({ client: deps.s3, bucket: source.bucket }), source.key),
            source.format,
            job,
            rules,
          );
    if (inputs.length === 0) throw new InvalidRequestError("catalogRequest.Source", "lists no asset");
    const lines = `${inputs.map((input) => JSON.stringify(input)).join("\n")}\n`;
    await createS3Sink({ client: deps.s3, bucket: job.bucket }).put(job.itemsKey, lines, {
      overwrite: true,
      contentType: "application/x-ndjson",
    });
    deps.logger.info("catalogue prepared", { items: inputs.length, itemsKey: job.itemsKey });
    return { ...job, count: inputs.length };
  });
}

export interface SummarizeCatalogHandlerDeps extends Observability {
  readonly s3: S3Client;
}

export interface SummarizeCatalogInput {
  readonly bucket: string;
  readonly resultsPrefix: string;
}

export interface SummarizeCatalogOutput extends CatalogSummary {
  /** The Map Run's manifest: where every child's input, output and error are. */
  readonly report: string;
}

interface ResultManifest {
  readonly ResultFiles?: Readonly<Record<string, readonly { readonly Key?: string }[]>>;
}

export function createSummarizeCatalogHandler(
  deps: SummarizeCatalogHandlerDeps,
): LambdaHandler<SummarizeCatalogInput, SummarizeCatalogOutput> {
  return instrument("summarize-catalog", deps, async (event) => {
    const { bucket, resultsPrefix } = event;
    const listed = await deps.s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: `${resultsPrefix}/` }),
    );
    // One Map Run per execution; a redriven one writes a new run beside it: the latest manifest is the answer.
    const manifest = (listed.Contents ?? [])
      .filter((object) => object.Key?.endsWith("/manifest.json"))
      .sort((a, b) => (a.LastModified?.getTime() ?? 0) - (b.LastModified?.getTime() ?? 0))
      .at(-1)?.Key;
    if (manifest === undefined)
      throw new HarvestStateInvalidError(`no Map Run results under s3://${bucket}/${resultsPrefix}/`);
    const sink = createS3Sink({ client: deps.s3, bucket });
    const files = (JSON.parse(await readObjectText(sink, manifest)) as ResultManifest).ResultFiles ?? {};
    const entries: unknown[] = [];
    for (const file of Object.values(files).flat()) {
      if (file.Key === undefined) continue;
      const list = JSON.parse(await readObjectText(sink, file.Key)) as unknown;
      if (Array.isArray(list)) entries.push(...list);
    }
    const summary = summarizeCatalog(childResultsOf(entries));
    deps.logger.info("catalogue summarized", { ...summary, failedAssetIds: summary.failedAssetIds.length });
    return { ...summary, report: `s3://${bucket}/${manifest}` };
  });
}
