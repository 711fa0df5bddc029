// Lambda entry (bundled to dist/summarize-catalog.zip as index.mjs): the S3 client once per container.
import { createObservability, createS3 } from "@vod-harvest/handlers";
import { createSummarizeCatalogHandler } from "@vod-harvest/handlers/catalog";

const observability = createObservability();
export const handler = createSummarizeCatalogHandler({
  ...observability,
  s3: createS3(observability.tracer),
});
