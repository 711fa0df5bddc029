// Lambda entry (bundled to dist/check.zip as index.mjs): the S3 client is built once per container.
import { createS3 } from "../clients.js";
import { createCheckHandler } from "../handlers/check.js";
import { createObservability } from "../observability.js";

const observability = createObservability();
export const handler = createCheckHandler({ ...observability, s3: createS3(observability.tracer) });
