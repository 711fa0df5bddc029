// Lambda entry (bundled to dist/prepare-catalog.zip as index.mjs): the S3 and MediaPackage VOD clients once per
// container.
import { createObservability, createS3 } from "@vod-harvest/handlers";
import {
  createMediaPackageVod,
  createPrepareCatalogHandler,
  listAssetsWith,
} from "@vod-harvest/handlers/catalog";
import { MAX_CATALOG_CONCURRENCY } from "@vod-harvest/workflow";

const observability = createObservability();
// Set by the stack from var.destination_prefix; empty: the whole bucket.
const destinationPrefix = process.env.DESTINATION_PREFIX ?? "";
// Set by the stack from var.catalog_max_concurrency: children at once when the input has no MaxConcurrency.
const configured = process.env.DEFAULT_MAX_CONCURRENCY ?? "";
const defaultMaxConcurrency = configured === "" ? undefined : Number(configured);
if (
  defaultMaxConcurrency !== undefined &&
  !(
    Number.isInteger(defaultMaxConcurrency) &&
    defaultMaxConcurrency >= 1 &&
    defaultMaxConcurrency <= MAX_CATALOG_CONCURRENCY
  )
) {
  // A broken deployment: fail every invocation's init loudly rather than run with a guess.
  throw new RangeError(
    `DEFAULT_MAX_CONCURRENCY must be an integer from 1 to ${MAX_CATALOG_CONCURRENCY}, got ${configured}`,
  );
}
export const handler = createPrepareCatalogHandler({
  ...observability,
  s3: createS3(observability.tracer),
  listAssets: listAssetsWith(createMediaPackageVod(observability.tracer)),
  destinationPrefix,
  ...(defaultMaxConcurrency !== undefined ? { defaultMaxConcurrency } : {}),
});
