// Lambda entry (bundled to dist/harvest.zip as index.mjs): clients, and the CDN secret cache, live per container.
import {
  createHarvestHandler,
  createObservability,
  createS3,
  createSecretsManager,
  integerFromEnv,
} from "@vod-harvest/handlers";

const observability = createObservability();
const concurrency = integerFromEnv("HARVEST_CONCURRENCY");
const safetyMarginMs = integerFromEnv("HARVEST_SAFETY_MARGIN_MS");
export const handler = createHarvestHandler({
  ...observability,
  s3: createS3(observability.tracer),
  secretsManager: createSecretsManager(observability.tracer),
  ...(concurrency !== undefined ? { concurrency } : {}),
  ...(safetyMarginMs !== undefined ? { safetyMarginMs } : {}),
});
