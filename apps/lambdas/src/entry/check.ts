// Lambda entry (bundled to dist/check.zip as index.mjs): the S3 client is built once per container.
import { createCheckHandler, createObservability, createS3 } from "@vod-harvest/handlers";

const observability = createObservability();
export const handler = createCheckHandler({ ...observability, s3: createS3(observability.tracer) });
