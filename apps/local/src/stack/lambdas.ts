/**
 * The real Lambda handlers of apps/lambdas, built once for the local stack with clients pointed at moto. Logs,
 * metrics and traces are silenced: the demo shows progress and notifications instead of Powertools' JSON lines.
 */
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
import type { LocalLambdas } from "@vod-harvest/handlers/local";

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
