export * from "./asl.js";
export {
  buildCatalogStateMachine,
  CATALOG_CHILD_NAME_PREFIX,
  CATALOG_LAMBDA_NAMES,
  CATALOG_STATES,
  type CatalogLambdaName,
  type CatalogStateMachineConfig,
  START_EXECUTION_SYNC,
} from "./catalog-definition.js";
export { childResultsOf, itemListInputs } from "./catalog-items.js";
export {
  type CatalogAsset,
  type CatalogJob,
  type CatalogRules,
  type CatalogSummary,
  type ChildResult,
  catalogItemInput,
  catalogStateKeys,
  prepareCatalog,
  summarizeCatalog,
} from "./catalog-prepare.js";
export {
  type CatalogInput,
  catalogInputSchema,
  DEFAULT_CATALOG_CONCURRENCY,
  MAX_CATALOG_CONCURRENCY,
} from "./catalog-schemas.js";
export * from "./config.js";
export { buildStateMachine, CREATED_ASSET_TAG, TOP_STATES } from "./definition.js";
export { ENDPOINT_STATES } from "./endpoint-states.js";
export { resolveEndpoints } from "./endpoints.js";
export * from "./errors.js";
export * from "./inspect.js";
export * from "./lambda-contracts.js";
export * from "./notifications.js";
export { type DestinationRules, prepareRequest } from "./prepare.js";
export * from "./schemas.js";
export { type MediaPackageAction, mediaPackageResource, SNS_PUBLISH } from "./task-helpers.js";
