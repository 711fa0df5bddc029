// Lambda entry (bundled to dist/resolve-endpoints.zip as index.mjs).
import { createResolveEndpointsHandler } from "../handlers/resolve-endpoints.js";
import { createObservability } from "../observability.js";

export const handler = createResolveEndpointsHandler(createObservability());
