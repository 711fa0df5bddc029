// Lambda entry (bundled to dist/prepare.zip as index.mjs): clients once per container, handler per invocation.
import { createPrepareHandler } from "../handlers/prepare.js";
import { createObservability } from "../observability.js";

export const handler = createPrepareHandler(createObservability());
