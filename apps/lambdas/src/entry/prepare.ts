// Lambda entry (bundled to dist/prepare.zip as index.mjs): clients once per container, handler per invocation.
import { createPrepareHandler } from "../handlers/prepare.js";
import { createObservability } from "../observability.js";

// Set by the stack from var.destination_prefix; empty: the whole bucket.
const destinationPrefix = process.env.DESTINATION_PREFIX ?? "";
export const handler = createPrepareHandler({ ...createObservability(), destinationPrefix });
