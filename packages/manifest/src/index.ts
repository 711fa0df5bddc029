export { inlineRemoteElements } from "./dash/inline.js";
export {
  type AssetPlan,
  type EnumerateOptions,
  enumerateAsset,
  type LoadedManifest,
  type ManifestLoader,
  parseEntryUrl,
} from "./enumerate.js";
export * from "./errors.js";
export { contentRange, parseRange, type RangeOutcome } from "./http-range.js";
export {
  assignKeys,
  commonDirectory,
  decodeKey,
  directoryOf,
  EXTERNAL_PREFIX,
  type LocatedResource,
  resourceHref,
} from "./keys.js";
export { DEFAULT_LIMITS, ResourceBudget, resolveLimits } from "./limits.js";
export { detectFormat, type ParseContext, parseManifest, prepareText, type TextFormat } from "./parse.js";
export { resolveReferences } from "./resolve.js";
export {
  isAbsoluteReference,
  type RewriteOptions,
  type RewriteResult,
  relativeReference,
  rewriteManifest,
  storagePath,
} from "./rewrite.js";
export { checkReference, createOriginPolicy, isForbiddenHost, type OriginPolicy } from "./safety.js";
export type * from "./types.js";
