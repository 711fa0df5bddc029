// Everything of the sink package that does not load the AWS SDK: the interface, keys, errors, `s3://` parsing and
// the directory sink. For code that must start fast (the command line loads the SDK only for an S3 destination).
export { type FillableBody, type FilledBody, fillBuffer, isFillable, type PutBody } from "./body.js";
export { ChecksumHasher, checksumOf, checksumStream, encodeChecksum } from "./checksum.js";
export { CHECKSUM_ALGORITHM, type Checksum, type ChecksumAlgorithm, isChecksum } from "./checksum-shape.js";
export { contentTypeFor, FALLBACK_CONTENT_TYPE, preferredContentType } from "./content-type.js";
export {
  createDirectorySink,
  type DirectorySink,
  type DirectorySinkOptions,
  type DirectorySyncMode,
} from "./directory-sink.js";
export {
  BodyStreamError,
  ChecksumMismatchError,
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
export { readObjectText } from "./read-text.js";
export { parseS3Url, type S3Location } from "./s3-url.js";
export type * from "./types.js";
