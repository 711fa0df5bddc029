/**
 * The catalogue workflow's pure steps: the validated job (prepareCatalog), the per-asset execution input of each
 * item (catalogItemInput), and the summary of the child executions' results (summarizeCatalog). The Lambdas that
 * page ListAssets, read the items object and the written results call these.
 */
import { catalogInputSchema, DEFAULT_CATALOG_CONCURRENCY } from "./catalog-schemas.js";
import { InvalidRequestError } from "./errors.js";
import { type Destination, HARVEST_STATE_PREFIX } from "./lambda-contracts.js";
import {
  assertDestinationAllowed,
  type DestinationRules,
  invalidRequestFrom,
  prepareRequest,
} from "./prepare.js";
import type { EndpointResult, ExecutionInput, HarvestOptions } from "./schemas.js";

/** Where a catalogue execution keeps its item list and the Distributed Map's results, in the destination bucket. */
export function catalogStateKeys(executionName: string): { itemsKey: string; resultsPrefix: string } {
  const base = `${HARVEST_STATE_PREFIX}catalog/${executionName}/`;
  return { itemsKey: `${base}items.jsonl`, resultsPrefix: `${base}results` };
}

export interface CatalogJob {
  readonly source:
    | { readonly kind: "packaging-group"; readonly packagingGroupId: string }
    | {
        readonly kind: "items";
        readonly bucket: string;
        readonly key: string;
        readonly format: "jsonl" | "csv";
      };
  readonly destination: Destination;
  readonly options: HarvestOptions | undefined;
  readonly maxConcurrency: number;
  readonly toleratedFailurePercentage: number;
  /** In the destination bucket: the normalized item list (one per-asset input per line) and the results. */
  readonly bucket: string;
  readonly itemsKey: string;
  readonly resultsPrefix: string;
}

/** The deployment's rules for a catalogue: its destination prefix, and its MaxConcurrency when the input has none. */
export interface CatalogRules extends DestinationRules {
  readonly defaultMaxConcurrency?: number;
}

export function prepareCatalog(
  event: { readonly input: unknown; readonly executionName: string },
  rules: CatalogRules = {},
): CatalogJob {
  const parsed = catalogInputSchema.safeParse(event.input);
  if (!parsed.success) throw invalidRequestFrom(parsed.error);
  const { catalogRequest: request, options } = parsed.data;
  const path = request.DestinationPath;
  const prefix = path === "" ? "" : `${path}/`;
  assertDestinationAllowed("catalogRequest.DestinationPath", prefix, "catalogue", rules);
  const source: CatalogJob["source"] =
    "PackagingGroupId" in request.Source
      ? { kind: "packaging-group", packagingGroupId: request.Source.PackagingGroupId }
      : itemsSource(request.Source.ItemsS3Uri);
  return {
    source,
    destination: { bucket: request.DestinationBucket, prefix },
    options,
    maxConcurrency: request.MaxConcurrency ?? rules.defaultMaxConcurrency ?? DEFAULT_CATALOG_CONCURRENCY,
    toleratedFailurePercentage: request.ToleratedFailurePercentage,
    bucket: request.DestinationBucket,
    ...catalogStateKeys(event.executionName),
  };
}

function itemsSource(uri: string): CatalogJob["source"] {
  const url = new URL(uri);
  const key = decodeURIComponent(url.pathname.slice(1));
  return { kind: "items", bucket: url.hostname, key, format: key.endsWith(".csv") ? "csv" : "jsonl" };
}

/** An asset as ListAssets returns it (AssetShallow), or a CSV line's columns. */
export interface CatalogAsset {
  readonly Id?: string;
  readonly PackagingGroupId?: string;
  readonly SourceArn?: string;
  readonly SourceRoleArn?: string;
}

/**
 * The per-asset execution input for one asset of the catalogue, checked exactly as the per-asset workflow's prepare
 * will check it; `where` names the item in an error (e.g. `items line 7`).
 */
export function catalogItemInput(asset: CatalogAsset, job: CatalogJob, where: string): ExecutionInput {
  const input: ExecutionInput = {
    createAssetRequest: {
      Id: asset.Id ?? "",
      PackagingGroupId: asset.PackagingGroupId ?? "",
      SourceArn: asset.SourceArn ?? "",
      SourceRoleArn: asset.SourceRoleArn ?? "",
      DestinationBucket: job.destination.bucket,
      DestinationPath: job.destination.prefix.replace(/\/$/, ""),
    },
    ...(job.options === undefined ? {} : { options: job.options }),
  };
  try {
    prepareRequest({ input });
  } catch (error) {
    const problem = error instanceof Error ? error.message : String(error);
    throw new InvalidRequestError("catalogRequest.Source", `${where}: ${problem}`, { cause: error });
  }
  return input;
}

/** What one child execution ended with, as the Distributed Map's result files list it. */
export interface ChildResult {
  readonly status: "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";
  /** The child's input (its asset id) and, when it succeeded, its output. */
  readonly assetId: string;
  readonly results?: readonly EndpointResult[];
}

export interface CatalogSummary {
  readonly assets: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Endpoint results over every asset, by status. */
  readonly endpoints: Readonly<Record<EndpointResult["status"], number>>;
  readonly bytes: number;
  /** Assets whose execution did not succeed, or with an endpoint FAILED. */
  readonly failedAssetIds: readonly string[];
}

export function summarizeCatalog(children: readonly ChildResult[]): CatalogSummary {
  const endpoints = { COMPLETE: 0, SKIPPED: 0, FAILED: 0 };
  let bytes = 0;
  const failedAssetIds: string[] = [];
  for (const child of children) {
    const results = child.results ?? [];
    for (const result of results) {
      endpoints[result.status] += 1;
      if (result.status !== "FAILED") bytes += result.bytes;
    }
    if (child.status !== "SUCCEEDED" || results.some((result) => result.status === "FAILED"))
      failedAssetIds.push(child.assetId);
  }
  return {
    assets: children.length,
    succeeded: children.length - failedAssetIds.length,
    failed: failedAssetIds.length,
    endpoints,
    bytes,
    failedAssetIds,
  };
}
