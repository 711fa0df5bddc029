// Lambda entry (bundled to dist/finalize.zip as index.mjs).
import { createFinalizeHandler, createObservability, createS3 } from "@vod-harvest/handlers";

const observability = createObservability();
export const handler = createFinalizeHandler({ ...observability, s3: createS3(observability.tracer) });
