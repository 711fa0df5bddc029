/**
 * The catalogue's lists as text: an item list given by the user (JSON lines or CSV) turned into per-asset execution
 * inputs, and the Distributed Map's result files turned back into ChildResults. Pure: the Lambdas read and write
 * the objects.
 */
import { ASSET_HARVEST_FAILED } from "./catalog-definition.js";
import { type CatalogAsset, type CatalogJob, type ChildResult, catalogItemInput } from "./catalog-prepare.js";
import { InvalidRequestError } from "./errors.js";
import { type DestinationRules, prepareRequest } from "./prepare.js";
import type { EndpointResult, ExecutionInput } from "./schemas.js";

const CSV_COLUMNS = ["Id", "PackagingGroupId", "SourceArn", "SourceRoleArn"] as const;

function refuse(where: string, problem: string): never {
  throw new InvalidRequestError("catalogRequest.Source.ItemsS3Uri", `${where}: ${problem}`);
}

/**
 * One per-asset input per non-blank line. A JSON line is either a whole per-asset request (`createAssetRequest` or
 * `harvestRequest`, with its own destination) or an asset (`Id`, `PackagingGroupId`, `SourceArn`, `SourceRoleArn`)
 * that takes the catalogue's destination and options; a CSV has a header row naming those four columns. A whole
 * request's own destination is checked against `rules` (the catalogue's was, by prepareCatalog).
 */
export function itemListInputs(
  text: string,
  format: "jsonl" | "csv",
  job: CatalogJob,
  rules: DestinationRules = {},
): ExecutionInput[] {
  const lines = text.split(/\r?\n/);
  if (format === "csv") return csvInputs(lines, job);
  const inputs: ExecutionInput[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === "") return;
    const where = `line ${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      refuse(where, "is not JSON");
    }
    if (typeof value !== "object" || value === null || Array.isArray(value))
      refuse(where, "is not a JSON object");
    if ("createAssetRequest" in value || "harvestRequest" in value) {
      try {
        // Its own destination: held to the deployment's rules here, not first in its child execution.
        prepareRequest({ input: value }, rules);
      } catch (error) {
        refuse(where, error instanceof Error ? error.message : String(error));
      }
      inputs.push(value as ExecutionInput);
    } else {
      inputs.push(catalogItemInput(value as CatalogAsset, job, where));
    }
  });
  return inputs;
}

function csvInputs(lines: readonly string[], job: CatalogJob): ExecutionInput[] {
  const [header = "", ...rows] = lines;
  const names = header.split(",").map((name) => name.trim());
  const missing = CSV_COLUMNS.filter((column) => !names.includes(column));
  if (missing.length > 0)
    refuse("line 1", `the header lacks ${missing.join(", ")} (it needs ${CSV_COLUMNS.join(",")})`);
  const inputs: ExecutionInput[] = [];
  rows.forEach((row, index) => {
    if (row.trim() === "") return;
    const where = `line ${index + 2}`;
    // Ids and ARNs hold no comma or quote: a quoted field means a list this reader would misread.
    if (row.includes('"')) refuse(where, "quoted CSV fields are not supported (no value here needs quotes)");
    const cells = row.split(",").map((cell) => cell.trim());
    if (cells.length !== names.length)
      refuse(where, `has ${cells.length} fields, the header ${names.length}`);
    const asset = Object.fromEntries(names.map((name, column) => [name, cells[column]])) as CatalogAsset;
    inputs.push(catalogItemInput(asset, job, where));
  });
  return inputs;
}

/** One entry of a Distributed Map result file: the child execution, with its input and output as JSON text. */
interface ResultEntry {
  readonly Status?: string;
  readonly Input?: unknown;
  readonly Output?: unknown;
  readonly Error?: string;
  readonly Cause?: string;
}

const parsed = (value: unknown): unknown => {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
};

/**
 * The children's results from the Map's result files (`SUCCEEDED_n.json`, `FAILED_n.json`, … : JSON arrays). Each
 * iteration's input is `{ input: <per-asset input> }` (the Map's ItemSelector); an item that succeeded has the
 * per-asset output (`{ assetId, results }`) as its output, one failed with AssetHarvestFailed its results as the
 * cause.
 */
export function childResultsOf(entries: readonly unknown[]): ChildResult[] {
  return entries.map((raw) => {
    const entry = (raw ?? {}) as ResultEntry;
    const item = (parsed(entry.Input) as { input?: ExecutionInput } | undefined)?.input;
    const assetId = item?.createAssetRequest?.Id ?? item?.harvestRequest?.Id ?? "(unknown)";
    const status =
      (["SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"] as const).find((s) => s === entry.Status) ?? "FAILED";
    const results =
      entry.Error === ASSET_HARVEST_FAILED
        ? parsed(entry.Cause)
        : (parsed(entry.Output) as { results?: unknown } | undefined)?.results;
    return Array.isArray(results)
      ? { status, assetId, results: results as EndpointResult[] }
      : { status, assetId };
  });
}
