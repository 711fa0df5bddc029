/**
 * `@vod-harvest/handlers/catalog`: the catalogue workflow's handlers and the MediaPackage VOD client they list assets
 * with. Kept out of the main entry, so the per-asset Lambdas' bundles carry neither.
 */
import type { Tracer } from "@aws-lambda-powertools/tracer";
import { ListAssetsCommand, MediaPackageVodClient } from "@aws-sdk/client-mediapackage-vod";
import type { ListAssets } from "./handlers/catalog.js";

/**
 * ListAssets through a MediaPackage VOD client (the SDK's standard retries absorb most throttling), `pageSize`
 * assets a page (the service's maximum by default; the local stack asks for small pages so paging is exercised).
 */
export function listAssetsWith(client: MediaPackageVodClient, pageSize = 1000): ListAssets {
  return async (input) => {
    const answer = await client.send(new ListAssetsCommand({ ...input, MaxResults: pageSize }));
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
