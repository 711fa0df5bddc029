export { type ByteRange, parseRange, type RangeOutcome } from "@vod-harvest/manifest";
export { TestOriginError, type TestOriginErrorCode } from "./errors.js";
export { type ProbeOptions, type ProbeResult, probe } from "./probe.js";
export { startTestOrigin } from "./server.js";
export { syntheticBytes, syntheticFile } from "./synthetic.js";
export type {
  Fault,
  FaultFiring,
  FaultHandle,
  FaultKind,
  FaultMatch,
  GeneratedFile,
  MemoryFile,
  RedirectTarget,
  RequestInfo,
  RequestRecord,
  TestOrigin,
  TestOriginOptions,
} from "./types.js";
