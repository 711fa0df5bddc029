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
import { removeFinishedRunState } from "../state-cleanup.js";

const KEYS_IN_MESSAGE = 3;

export interface FinalizeHandlerDeps extends Observability {
  readonly s3: S3Client;
  readonly planStore?: PlanStore;
  /** Epoch ms, for which earlier runs' state has expired (default Date.now). */
  readonly now?: () => number;
}

function listKeys(keys: readonly string[]): string {
  const shown = keys.slice(0, KEYS_IN_MESSAGE).join(", ");
  return keys.length > KEYS_IN_MESSAGE ? `${shown}, …` : shown;
}

export function createFinalizeHandler(
  deps: FinalizeHandlerDeps,
): LambdaHandler<FinalizeInput, FinalizeOutput> {
  const plans = deps.planStore ?? createPlanStore(deps.s3);
  const now = deps.now ?? Date.now;

  /** The copy is verified: its state is no longer needed. A failure here is logged, not the copy's failure. */
  async function removeState(event: FinalizeInput): Promise<void> {
    const run = { ...event, bucket: event.destination.bucket, planKey: event.cursor.planKey };
    try {
      const removed = await removeFinishedRunState(deps.s3, run, now());
      deps.logger.info("harvest state removed", { planKey: run.planKey, objects: removed });
    } catch (error) {
      deps.logger.warn("harvest state left in place (expires with the bucket's lifecycle, if any)", {
        planKey: run.planKey,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
    }
  }

  return instrument("finalize", deps, async (event) => {
    const { bucket, prefix } = event.destination;
    const where = `s3://${bucket}/${prefix}`;
    assertPlanKeyOf(event.cursor.planKey, event.assetId, event.packagingConfigurationId);
    // Gone only when an earlier attempt of this very finalize removed it (below): the record, written after the
    // engine checked it against the plan, is then checked alone.
    const plan = await plans.find(bucket, event.cursor.planKey);
    const sink = createS3Sink({ client: deps.s3, bucket, prefix });
    const record = await readRecord(sink);
    if (record === undefined) {
      throw new HarvestIncompleteError(`${where} has no completion record: the harvest did not finish`);
    }
    if (plan === undefined) deps.logger.warn("plan already removed; checking the record alone", { where });
    const recorded = new Set(record.files.map((file) => file.key));
    const unrecorded = (plan?.resources ?? [])
      .map((resource) => resource.key)
      .filter((key) => !recorded.has(key));
    const problems = await verifyStored(sink, new Map(record.files.map((file) => [file.key, file.size])));
    const bad = [...unrecorded, ...problems.map((problem) => problem.key)];
    if (bad.length > 0) {
      const planned = plan?.resources.length ?? record.files.length;
      throw new HarvestIncompleteError(
        `${bad.length} of ${planned} planned objects are missing or wrong in ${where}: ${listKeys(bad)}`,
      );
    }
    await removeState(event);
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
