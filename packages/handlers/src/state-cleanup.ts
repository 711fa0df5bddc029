/**
 * Removes harvest state once a run is finished: its plan and checksum journal, and the state of the same
 * endpoint's earlier runs that never finished (an execution stopped or failed) once they are older than
 * HARVEST_STATE_EXPIRY_DAYS. A bucket the stack creates also expires the state prefix by a lifecycle rule; an existing
 * bucket keeps its owner's lifecycle configuration untouched, so this is what keeps its state prefix from
 * growing. Needs s3:ListBucket and s3:DeleteObject on HARVEST_STATE_PREFIX only.
 */
import { DeleteObjectsCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { HARVEST_STATE_EXPIRY_DAYS } from "@vod-harvest/workflow";
import { StateCleanupFailedError } from "./errors.js";
import { planPrefix } from "./plan-store.js";
import { progressPrefixOf } from "./progress-store.js";

/** DeleteObjects takes at most this many keys per request. */
const DELETE_BATCH = 1_000;

export interface RunOfEndpoint {
  readonly bucket: string;
  readonly assetId: string;
  readonly packagingConfigurationId: string;
  /** The finished run's plan (its journal sits beside it). */
  readonly planKey: string;
}

/** The keys to remove: the run's own, and other runs' older than the expiry. */
function staleStateKeys(
  objects: readonly { readonly key: string; readonly lastModified: number }[],
  planKey: string,
  now: number,
): string[] {
  const journal = progressPrefixOf(planKey);
  const expired = now - HARVEST_STATE_EXPIRY_DAYS * 24 * 3600 * 1000;
  return objects
    .filter(({ key, lastModified }) => key === planKey || key.startsWith(journal) || lastModified < expired)
    .map(({ key }) => key);
}

/** Deletes what staleStateKeys picks under the endpoint's state prefix; returns how many objects went. */
export async function removeFinishedRunState(s3: S3Client, run: RunOfEndpoint, now: number): Promise<number> {
  const prefix = planPrefix(run.assetId, run.packagingConfigurationId);
  const objects: { key: string; lastModified: number }[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: run.bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) {
      if (object.Key !== undefined)
        objects.push({ key: object.Key, lastModified: object.LastModified?.getTime() ?? now });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);

  const keys = staleStateKeys(objects, run.planKey, now);
  for (let start = 0; start < keys.length; start += DELETE_BATCH) {
    const batch = keys.slice(start, start + DELETE_BATCH);
    const result = await s3.send(
      new DeleteObjectsCommand({
        Bucket: run.bucket,
        Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
      }),
    );
    const failed = result.Errors ?? [];
    if (failed.length > 0) {
      const first = failed[0];
      throw new StateCleanupFailedError(
        `${failed.length} of ${batch.length} state objects under s3://${run.bucket}/${prefix} could not be deleted (first: ${first?.Key} ${first?.Code})`,
      );
    }
  }
  return keys.length;
}
