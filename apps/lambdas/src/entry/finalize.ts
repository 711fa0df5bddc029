// Lambda entry (bundled to dist/finalize.zip as index.mjs).
import { createS3 } from "../clients.js";
import { createFinalizeHandler } from "../handlers/finalize.js";
import { createObservability } from "../observability.js";

const observability = createObservability();
export const handler = createFinalizeHandler({ ...observability, s3: createS3(observability.tracer) });
