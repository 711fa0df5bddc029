export type { PutBody } from "./body.js";
export { contentTypeFor, FALLBACK_CONTENT_TYPE, preferredContentType } from "./content-type.js";
export {
  createDirectorySink,
  type DirectorySink,
  type DirectorySinkOptions,
  type DirectorySyncMode,
} from "./directory-sink.js";
export {
  BodyStreamError,
  InvalidDestinationError,
  InvalidKeyError,
  isSinkError,
  ObjectExistsError,
  SinkAbortedError,
  SinkAccessDeniedError,
  SinkConfigurationError,
  SinkError,
  type SinkErrorCode,
  SinkIoError,
  SinkNotFoundError,
  SizeMismatchError,
} from "./errors.js";
export { isValidKey, MAX_KEY_BYTES, MAX_SEGMENT_BYTES, validateKey } from "./keys.js";
export {
  checkS3Configuration,
  createS3ClientFromEnv,
  type S3ClientFromEnvOptions,
  s3EndpointOverride,
} from "./s3-client.js";
export { createS3Sink, type S3SinkOptions } from "./s3-sink.js";
export { parseS3Url, type S3Location } from "./s3-url.js";
export type * from "./types.js";
