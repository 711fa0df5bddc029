// Lambda entry (bundled to dist/prepare.zip as index.mjs): clients once per container, handler per invocation.
import { createObservability, createPrepareHandler } from "@vod-harvest/handlers";

// Set by the stack from var.destination_prefix; empty: the whole bucket.
const destinationPrefix = process.env.DESTINATION_PREFIX ?? "";
export const handler = createPrepareHandler({ ...createObservability(), destinationPrefix });
