/**
 * The prepare Lambda's logic: raw execution input in, a normalized HarvestJob out, or InvalidRequest naming the
 * field. Pure, so the handler in packages/handlers is one line and the state machine tests can run the real thing.
 */
import type { z } from "zod";
import { InvalidRequestError } from "./errors.js";
import type {
  Destination,
  EndpointSource,
  HarvestJob,
  PrepareInput,
  PrepareOutput,
} from "./lambda-contracts.js";
import { HARVEST_STATE_PREFIX } from "./lambda-contracts.js";
import { executionInputSchema, type HarvestOptions } from "./schemas.js";

/** What a deployment allows beyond the schema (the prepare Lambda's configuration). */
export interface DestinationRules {
  /**
   * Key prefix every destination must be under (ends with `/`): the deployment's Lambdas may write nowhere else.
   * Empty or absent: the whole bucket.
   */
  readonly destinationPrefix?: string;
}

export function prepareRequest(event: PrepareInput, rules: DestinationRules = {}): PrepareOutput {
  const output = parseRequest(event);
  const { request } = output;
  const field = `${request.mode === "direct" ? "harvestRequest" : "createAssetRequest"}.DestinationPath`;
  assertDestinationAllowed(field, request.destination.prefix, "asset", rules);
  return output;
}

/**
 * A destination key prefix the deployment may write: not the harvest's own state, and under the deployment's
 * destination prefix. InvalidRequest on `field` otherwise; `what` names what would have gone there.
 */
export function assertDestinationAllowed(
  field: string,
  prefix: string,
  what: string,
  rules: DestinationRules,
): void {
  if (prefix.startsWith(HARVEST_STATE_PREFIX)) {
    throw new InvalidRequestError(
      field,
      `must not lead under ${HARVEST_STATE_PREFIX} (the harvest's own state)`,
    );
  }
  const allowed = rules.destinationPrefix ?? "";
  if (!prefix.startsWith(allowed)) {
    throw new InvalidRequestError(
      field,
      `must be under '${allowed}': this deployment writes only there (the ${what} would go to '${prefix}')`,
    );
  }
}

function parseRequest(event: PrepareInput): PrepareOutput {
  const raw = event.input;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new InvalidRequestError("input", "must be a JSON object");
  }
  const parsed = executionInputSchema.safeParse(raw);
  if (!parsed.success) throw invalidRequestFrom(parsed.error);
  const { createAssetRequest, harvestRequest } = parsed.data;
  const options: HarvestOptions = parsed.data.options ?? { Overwrite: false, DeleteAssetAfterHarvest: false };

  if (createAssetRequest && harvestRequest) {
    throw new InvalidRequestError(
      "harvestRequest",
      "give either createAssetRequest or harvestRequest, not both",
    );
  }
  if (createAssetRequest) {
    const { Id, PackagingGroupId, SourceArn, SourceRoleArn } = createAssetRequest;
    return {
      request: {
        mode: "mediapackage",
        assetId: Id,
        destination: assetDestination(
          createAssetRequest.DestinationBucket,
          createAssetRequest.DestinationPath,
          Id,
        ),
        options: normalizeOptions(options),
        asset: { Id, PackagingGroupId, SourceArn, SourceRoleArn },
        sources: null,
      },
    };
  }
  if (harvestRequest) {
    if (options.DeleteAssetAfterHarvest) {
      throw new InvalidRequestError(
        "options.DeleteAssetAfterHarvest",
        "there is no MediaPackage asset in direct mode",
      );
    }
    const wanted = options.PackagingConfigurationIds;
    const names = harvestRequest.Sources.map((source) => source.Name);
    const unknown = wanted?.filter((id) => !names.includes(id)) ?? [];
    if (unknown.length > 0) {
      throw new InvalidRequestError(
        "options.PackagingConfigurationIds",
        `no source named ${unknown.map((id) => `'${id}'`).join(", ")} (sources: ${names.join(", ")})`,
      );
    }
    const sources: EndpointSource[] = harvestRequest.Sources.filter(
      (source) => wanted === undefined || wanted.includes(source.Name),
    ).map((source) => ({
      packagingConfigurationId: source.Name,
      url: source.Url,
      packagingStatus: "DIRECT",
    }));
    return {
      request: {
        mode: "direct",
        assetId: harvestRequest.Id,
        destination: assetDestination(
          harvestRequest.DestinationBucket,
          harvestRequest.DestinationPath,
          harvestRequest.Id,
        ),
        options: normalizeOptions(options),
        asset: null,
        sources,
      },
    };
  }
  throw new InvalidRequestError("createAssetRequest", "is required (or harvestRequest for the direct mode)");
}

/** DESIGN.md layout: `<DestinationPath>/<Id>/`; the state machine appends `<config>/` per endpoint. */
function assetDestination(bucket: string, path: string, id: string): Destination {
  return { bucket, prefix: path === "" ? `${id}/` : `${path}/${id}/` };
}

function normalizeOptions(options: HarvestOptions): HarvestJob["options"] {
  return {
    overwrite: options.Overwrite,
    packagingConfigurationIds: options.PackagingConfigurationIds ?? null,
    deleteAssetAfterHarvest: options.DeleteAssetAfterHarvest,
  };
}

/** The first issue, as `<dotted field>: <problem>`. */
export function invalidRequestFrom(error: z.ZodError): InvalidRequestError {
  const issue = error.issues[0];
  if (!issue) return new InvalidRequestError("input", "is invalid", { cause: error });
  const path = issue.path.map(String);
  if (issue.code === "unrecognized_keys") {
    return new InvalidRequestError([...path, issue.keys[0] ?? "?"].join("."), "is not a known field", {
      cause: error,
    });
  }
  const field = path.length > 0 ? path.join(".") : "input";
  const missing = issue.code === "invalid_type" && /received undefined/.test(issue.message);
  return new InvalidRequestError(field, missing ? "is required" : issue.message, { cause: error });
}
