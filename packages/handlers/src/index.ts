export { createS3, createSecretsManager, integerFromEnv } from "./clients.js";
export * from "./errors.js";
export { type CheckHandlerDeps, createCheckHandler } from "./handlers/check.js";
export { createFinalizeHandler, type FinalizeHandlerDeps } from "./handlers/finalize.js";
export {
  type Clock,
  createHarvestHandler,
  DEFAULT_SAFETY_MARGIN_MS,
  type HarvestHandlerDeps,
} from "./handlers/harvest.js";
export { createPrepareHandler, type PrepareHandlerDeps } from "./handlers/prepare.js";
export {
  createResolveEndpointsHandler,
  type ResolveEndpointsHandlerDeps,
} from "./handlers/resolve-endpoints.js";
export * from "./observability.js";
export { createPlanStore, type PlanStore, planKeyFor, planPrefix } from "./plan-store.js";
export { clearSecretValues, REDACTED, redactingReplacer, redactText } from "./redaction.js";
export {
  CDN_IDENTIFIER_FIELD,
  CDN_IDENTIFIER_HEADER,
  CDN_SECRET_TTL_SECONDS,
  type CdnSecretReader,
  clearCdnSecretCache,
  createCdnSecretReader,
} from "./secrets.js";
