export * from "./base.js";
export {
  checkS3Configuration,
  createS3ClientFromEnv,
  type S3ClientFromEnvOptions,
  s3EndpointOverride,
} from "./s3-client.js";
export { createS3Sink, type S3SinkOptions } from "./s3-sink.js";
