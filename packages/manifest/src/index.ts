export {
  type AssetPlan,
  type EnumerateOptions,
  enumerateAsset,
  type LoadedManifest,
  type ManifestLoader,
} from "./enumerate.js";
export * from "./errors.js";
export { DEFAULT_LIMITS, ResourceBudget, resolveLimits } from "./limits.js";
export { detectFormat, type ParseContext, parseManifest, prepareText, type TextFormat } from "./parse.js";
export { resolveReferences } from "./resolve.js";
export type * from "./types.js";
