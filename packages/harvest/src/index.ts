export { DEFAULT_CONCURRENCY } from "./copy.js";
export * from "./errors.js";
export {
  createFileProgressStore,
  defaultStateDirectory,
  type FileProgressStore,
  journalPathFor,
} from "./file-journal.js";
export { type CopyPlanOptions, copyPlan, type HarvestOptions, harvest } from "./harvest.js";
export {
  createOriginClient,
  type OriginClient,
  type OriginClientOptions,
  type OriginResponse,
} from "./http.js";
export { type PlanOptions, planHarvest } from "./plan.js";
export {
  type CompletionRecord,
  isRecordedObject,
  parseRecord,
  type RecordedObject,
  readRecord,
  sourceOf,
} from "./record.js";
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry.js";
export type { JournaledObject, ProgressStore } from "./stored-object.js";
export * from "./types.js";
export { type VerifyProblem, verifyStored } from "./verify.js";
export {
  type CopyVerification,
  type VerifyCopyOptions,
  verifyCopy,
} from "./verify-copy.js";
