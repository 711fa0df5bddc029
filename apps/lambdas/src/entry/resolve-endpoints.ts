// Lambda entry (bundled to dist/resolve-endpoints.zip as index.mjs).
import { createObservability, createResolveEndpointsHandler } from "@vod-harvest/handlers";

export const handler = createResolveEndpointsHandler(createObservability());
