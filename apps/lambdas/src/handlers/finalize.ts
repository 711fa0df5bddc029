/**
 * finalize: checks the copy against the stored plan and the completion record before reporting COMPLETE.
 * The record itself is written by the engine at the end of the last harvest invocation, after its own
 * verification (packages/harvest copyPlan); this is a second, independent listing of the destination.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { readRecord, verifyStored } from "@vod-harvest/harvest";
import { createS3Sink } from "@vod-harvest/s3-sink";
import type { FinalizeInput, FinalizeOutput } from "@vod-harvest/workflow";
import { HarvestIncompleteError } from "../errors.js";
import { instrument, type LambdaHandler, type Observability } from "../observability.js";
import { assertPlanKeyOf, createPlanStore, type PlanStore } from "../plan-store.js";

const KEYS_IN_MESSAGE = 3;

export interface FinalizeHandlerDeps extends Observability {
  readonly s3: S3Client;
  readonly planStore?: PlanStore;
}

function listKeys(keys: readonly string[]): string {
  const shown = keys.slice(0, KEYS_IN_MESSAGE).join(", ");
  return keys.length > KEYS_IN_MESSAGE ? `${shown}, …` : shown;
}

export function createFinalizeHandler(
  deps: FinalizeHandlerDeps,
): LambdaHandler<FinalizeInput, FinalizeOutput> {
  const plans = deps.planStore ?? createPlanStore(deps.s3);
  return instrument("finalize", deps, async (event) => {
    const { bucket, prefix } = event.destination;
    const where = `s3://${bucket}/${prefix}`;
    assertPlanKeyOf(event.cursor.planKey, event.assetId, event.packagingConfigurationId);
    const plan = await plans.load(bucket, event.cursor.planKey);
    const sink = createS3Sink({ client: deps.s3, bucket, prefix });
    const record = await readRecord(sink);
    if (record === undefined) {
      throw new HarvestIncompleteError(`${where} has no completion record: the harvest did not finish`);
    }
    const recorded = new Set(record.files.map((file) => file.key));
    const unrecorded = plan.resources.map((resource) => resource.key).filter((key) => !recorded.has(key));
    const problems = await verifyStored(sink, new Map(record.files.map((file) => [file.key, file.size])));
    const bad = [...unrecorded, ...problems.map((problem) => problem.key)];
    if (bad.length > 0) {
      throw new HarvestIncompleteError(
        `${bad.length} of ${plan.resources.length} planned objects are missing or wrong in ${where}: ${listKeys(bad)}`,
      );
    }
    const output: FinalizeOutput = {
      status: "COMPLETE",
      entry: `${where}${record.entry}`,
      objects: record.objects,
      bytes: record.bytes,
      checksumAlgorithm: record.version === 2 ? record.checksumAlgorithm : "SHA256",
    };
    deps.logger.info("harvest complete", {
      assetId: event.assetId,
      packagingConfigurationId: event.packagingConfigurationId,
      invocations: event.cursor.invocations,
      ...output,
    });
    return output;
  });
}
