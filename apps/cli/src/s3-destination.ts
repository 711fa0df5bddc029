// The S3 side of `copy`, loaded only for an `s3://` destination: the AWS SDK costs start-up time a directory
// copy, `plan` or `--help` should not pay.
import { createS3ClientFromEnv, createS3Sink, type ObjectSink } from "@vod-harvest/s3-sink";
import type { Destination } from "./options.js";

export function createS3Destination(
  destination: Extract<Destination, { kind: "s3" }>,
  pathStyle: boolean,
): ObjectSink {
  const client = createS3ClientFromEnv(pathStyle ? { forcePathStyle: true } : {});
  return createS3Sink({ client, bucket: destination.bucket, prefix: destination.prefix });
}
