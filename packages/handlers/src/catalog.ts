/**
 * `@vod-harvest/handlers/catalog`: the catalogue workflow's handlers and the MediaPackage VOD client they list assets
 * with. Kept out of the main entry, so the per-asset Lambdas' bundles carry neither.
 */
import type { Tracer } from "@aws-lambda-powertools/tracer";
import { ListAssetsCommand, MediaPackageVodClient } from "@aws-sdk/client-mediapackage-vod";
import type { ListAssets } from "./handlers/catalog.js";

/** ListAssets through a MediaPackage VOD client (the SDK's standard retries absorb most throttling). */
export function listAssetsWith(client: MediaPackageVodClient): ListAssets {
  return async (input) => {
    const answer = await client.send(new ListAssetsCommand({ ...input, MaxResults: 1000 }));
    return { Assets: answer.Assets ?? [], ...(answer.NextToken ? { NextToken: answer.NextToken } : {}) };
  };
}

export function createMediaPackageVod(tracer: Tracer): MediaPackageVodClient {
  return tracer.captureAWSv3Client(new MediaPackageVodClient({}));
}

export {
  createPrepareCatalogHandler,
  createSummarizeCatalogHandler,
  type ListAssets,
  type PrepareCatalogHandlerDeps,
  type PrepareCatalogInput,
  type PrepareCatalogOutput,
  type SummarizeCatalogHandlerDeps,
  type SummarizeCatalogInput,
  type SummarizeCatalogOutput,
} from "./handlers/catalog.js";
