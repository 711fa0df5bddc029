/** check: is this endpoint's copy already complete? Reads the completion record only. */
import type { S3Client } from "@aws-sdk/client-s3";
import { readRecord } from "@vod-harvest/harvest";
import { createS3Sink } from "@vod-harvest/s3-sink";
import type { CheckInput, CheckOutput } from "@vod-harvest/workflow";
import { instrument, type LambdaHandler, type Observability } from "../observability.js";

export interface CheckHandlerDeps extends Observability {
  readonly s3: S3Client;
}

export function createCheckHandler(deps: CheckHandlerDeps): LambdaHandler<CheckInput, CheckOutput> {
  return instrument("check", deps, async (event) => {
    const { bucket, prefix } = event.destination;
    const record = await readRecord(createS3Sink({ client: deps.s3, bucket, prefix }));
    const output: CheckOutput = record
      ? {
          complete: true,
          entry: `s3://${bucket}/${prefix}${record.entry}`,
          objects: record.objects,
          bytes: record.bytes,
          checksumAlgorithm: record.version === 2 ? record.checksumAlgorithm : "SHA256",
        }
      : { complete: false, entry: null, objects: 0, bytes: 0, checksumAlgorithm: null };
    deps.logger.info("completion checked", {
      assetId: event.assetId,
      packagingConfigurationId: event.packagingConfigurationId,
      ...output,
    });
    return output;
  });
}
