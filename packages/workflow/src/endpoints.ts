/**
 * The resolve-endpoints Lambda's logic: which egress endpoints of the asset to harvest, and the CDN
 * authorization secret's ARN (never its value). Pure; the filtering lives here rather than in a JSONPath filter
 * because filters comparing to `$.x` are not portable to the local runner.
 */
import { InvalidRequestError } from "./errors.js";
import type {
  EndpointSource,
  PackagingStatus,
  ResolveEndpointsInput,
  ResolveEndpointsOutput,
} from "./lambda-contracts.js";
import { MAX_ENDPOINTS } from "./schemas.js";

export function resolveEndpoints(event: ResolveEndpointsInput): ResolveEndpointsOutput {
  const { asset, packagingGroup, packagingGroupId, packagingConfigurationIds } = event;
  if (asset.PackagingGroupId !== undefined && asset.PackagingGroupId !== packagingGroupId) {
    throw new InvalidRequestError(
      "createAssetRequest.PackagingGroupId",
      `the existing asset belongs to packaging group '${asset.PackagingGroupId}', not '${packagingGroupId}'`,
    );
  }
  const all: EndpointSource[] = [];
  for (const endpoint of asset.EgressEndpoints ?? []) {
    if (endpoint.PackagingConfigurationId === undefined || endpoint.Url === undefined) continue;
    all.push({
      packagingConfigurationId: endpoint.PackagingConfigurationId,
      url: endpoint.Url,
      packagingStatus: packagingStatusOf(endpoint.Status),
    });
  }
  const available = all.map((endpoint) => endpoint.packagingConfigurationId);
  if (all.length === 0) {
    throw new InvalidRequestError(
      "createAssetRequest.PackagingGroupId",
      `packaging group '${packagingGroupId}' gives the asset no egress endpoint (no packaging configuration?)`,
    );
  }
  const unknown = packagingConfigurationIds?.filter((id) => !available.includes(id)) ?? [];
  if (unknown.length > 0) {
    throw new InvalidRequestError(
      "options.PackagingConfigurationIds",
      `the asset has no endpoint for ${unknown.map((id) => `'${id}'`).join(", ")} (it has: ${available.join(", ")})`,
    );
  }
  const endpoints = all.filter(
    (endpoint) =>
      packagingConfigurationIds === null ||
      packagingConfigurationIds.includes(endpoint.packagingConfigurationId),
  );
  if (endpoints.length > MAX_ENDPOINTS) {
    throw new InvalidRequestError(
      "options.PackagingConfigurationIds",
      `the asset has ${endpoints.length} egress endpoints; one execution harvests at most ${MAX_ENDPOINTS}: name the ones to harvest`,
    );
  }
  return {
    endpoints,
    pending: endpoints.filter((endpoint) => endpoint.packagingStatus === "PENDING").length,
    cdnIdentifierSecretArn: packagingGroup.Authorization?.CdnIdentifierSecret ?? null,
  };
}

/** MediaPackage's QUEUED and PROCESSING (or a status it may add later) mean: not settled yet, ask again. */
function packagingStatusOf(status: string | undefined): PackagingStatus {
  if (status === "PLAYABLE" || status === "FAILED") return status;
  return "PENDING";
}
