// Lambda entry (bundled to dist/prepare-catalog.zip as index.mjs): the S3 and MediaPackage VOD clients once per
// container.
import { createObservability, createS3 } from "@vod-harvest/handlers";
import {
  createMediaPackageVod,
  createPrepareCatalogHandler,
  listAssetsWith,
} from "@vod-harvest/handlers/catalog";

const observability = createObservability();
// Set by the stack from var.destination_prefix; empty: the whole bucket.
const destinationPrefix = process.env.DESTINATION_PREFIX ?? "";
export const handler = createPrepareCatalogHandler({
  ...observability,
  s3: createS3(observability.tracer),
  listAssets: listAssetsWith(createMediaPackageVod(observability.tracer)),
  destinationPrefix,
});
