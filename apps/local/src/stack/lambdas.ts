/**
 * The real Lambda handlers of apps/lambdas, built once for the local stack with clients pointed at moto. Logs,
 * metrics and traces are silenced: the demo shows progress and notifications instead of Powertools' JSON lines.
 */

import type { MediaPackageVodClient } from "@aws-sdk/client-mediapackage-vod";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import {
  createCheckHandler,
  createFinalizeHandler,
  createHarvestHandler,
  createObservability,
  createPrepareHandler,
  createResolveEndpointsHandler,
  type Observability,
} from "@vod-harvest/handlers";
import {
  createPrepareCatalogHandler,
  createSummarizeCatalogHandler,
  listAssetsWith,
} from "@vod-harvest/handlers/catalog";
import type { LocalLambdas, LocalLambdasOf } from "@vod-harvest/handlers/local";
import type { CatalogLambdaName } from "@vod-harvest/workflow";

export interface LocalLambdaClients {
  readonly s3: S3Client;
  readonly secretsManager: SecretsManagerClient;
}

function quietObservability(): Observability {
  const observability = createObservability({ serviceName: "vod-harvest-local", tracingEnabled: false });
  observability.logger.setLogLevel("SILENT");
  // No CloudWatch here: Metrics would print its EMF lines (or an empty-metrics warning) on every invocation.
  const { metrics } = observability;
  metrics.publishStoredMetrics = () => {
    metrics.clearMetrics();
    return metrics;
  };
  return observability;
}

export function createLocalLambdas(clients: LocalLambdaClients): LocalLambdas {
  const observability = quietObservability();
  return {
    prepare: createPrepareHandler(observability),
    "resolve-endpoints": createResolveEndpointsHandler(observability),
    check: createCheckHandler({ ...observability, s3: clients.s3 }),
    harvest: createHarvestHandler({
      ...observability,
      s3: clients.s3,
      secretsManager: clients.secretsManager,
    }),
    finalize: createFinalizeHandler({ ...observability, s3: clients.s3 }),
  };
}

/** The catalogue's two Lambdas: ListAssets against the emulator, the item list and results in moto's S3. */
export function createLocalCatalogLambdas(
  clients: LocalLambdaClients & {
    readonly mediaPackage: MediaPackageVodClient;
    readonly listAssetsPageSize: number;
  },
): LocalLambdasOf<CatalogLambdaName> {
  const observability = quietObservability();
  return {
    "prepare-catalog": createPrepareCatalogHandler({
      ...observability,
      s3: clients.s3,
      listAssets: listAssetsWith(clients.mediaPackage, clients.listAssetsPageSize),
    }),
    "summarize-catalog": createSummarizeCatalogHandler({ ...observability, s3: clients.s3 }),
  };
}
