export {
  type MediaPackageVodEmulator,
  type MediaPackageVodEmulatorOptions,
  startMediaPackageVodEmulator,
} from "./emulator.js";
export * from "./errors.js";
export { ffmpegAvailable } from "./ffmpeg/run.js";
export type { MediaPackageErrorName } from "./mediapackage/api-error.js";
export { CDN_IDENTIFIER_HEADER } from "./mediapackage/cdn-auth.js";
export type { OperationName } from "./mediapackage/http-api.js";
export type { EmulatorTiming } from "./mediapackage/types.js";
export { type SfnApiServer, type SfnApiServerOptions, startSfnApiServer } from "./sfn-api/server.js";
export {
  type GeneratedSource,
  type GenerateSourceOptions,
  generateSource,
  type SourceRenditionSpec,
} from "./source/generate.js";
export { type UploadedSource, uploadSource } from "./source/upload.js";
export {
  type LocalStack,
  type LocalStackClients,
  type LocalStackOptions,
  startLocalStack,
} from "./stack/local-stack.js";
export * from "./stack/scenario.js";
