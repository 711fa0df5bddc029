/**
 * harvest: copies one endpoint until done or until the Lambda's remaining time runs short. The first invocation
 * crawls (within its time budget, else HarvestPlanTimeout) and stores the plan; later ones load it (no crawl) and
 * copy what is still missing. Each invocation adds
 * what it copied or hashed to the checksum journal next to the plan, so a later one trusts those objects (no
 * origin HEAD, no read-back): an invocation costs what is new, not every object copied before. Only counts and a
 * small cursor are returned, whatever the asset's size.
 */
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import {
  copyPlan,
  createOriginClient,
  type HarvestPlan,
  type HarvestResult,
  type OriginClient,
  type OriginClientOptions,
  type ProgressEvent,
  ProgressStoreError,
  planHarvest,
} from "@vod-harvest/harvest";
import { createS3Sink } from "@vod-harvest/s3-sink";
import type { HarvestCursor, HarvestInput, HarvestOutput } from "@vod-harvest/workflow";
import { HarvestFailedError, HarvestPlanTimeoutError, HarvestStateInvalidError } from "../errors.js";
import { instrument, type LambdaContext, type LambdaHandler, type Observability } from "../observability.js";
import { assertPlanKeyOf, createPlanStore, type PlanStore, planKeyFor } from "../plan-store.js";
import { createS3ProgressStore } from "../progress-store.js";
import { redactText } from "../redaction.js";
import { CDN_IDENTIFIER_HEADER, createCdnSecretReader } from "../secrets.js";

/** Time kept back from the Lambda's remaining time: in-flight transfers are cut and the result returned. */
export const DEFAULT_SAFETY_MARGIN_MS = 15_000;
/** Keys named in a HarvestFailed message. */
const KEYS_IN_MESSAGE = 3;

export interface Clock {
  /** Epoch milliseconds (metrics and the secret cache's age). */
  now(): number;
}

/** What one invocation may spend: the Lambda's remaining time minus the safety margin. */
interface InvocationBudget {
  readonly ms: number;
  readonly signal: AbortSignal;
}

export interface HarvestHandlerDeps extends Observability {
  readonly s3: S3Client;
  readonly secretsManager: SecretsManagerClient;
  /** Makes the origin client of one invocation (default: the engine's undici client). */
  readonly originClient?: (options: OriginClientOptions) => OriginClient;
  readonly clock?: Clock;
  /**
   * Makes an invocation's time budget: a signal that fires after `ms` (default `AbortSignal.timeout`). Crawl and
   * copy stop when it fires; tests fire it on events instead of racing the machine's speed.
   */
  readonly timeBudget?: (ms: number) => AbortSignal;
  readonly safetyMarginMs?: number;
  /** Parallel transfers per invocation (engine default when absent). */
  readonly concurrency?: number;
  readonly planStore?: PlanStore;
}

function failureMessage(event: HarvestInput, plan: HarvestPlan, result: HarvestResult): string {
  const first = result.failed
    .slice(0, KEYS_IN_MESSAGE)
    .map((failure) => `${failure.key} (${failure.error})`)
    .join("; ");
  const more = result.failed.length > KEYS_IN_MESSAGE ? "; …" : "";
  return redactText(
    `${result.failed.length} of ${plan.resources.length} objects of ${event.assetId}/${event.packagingConfigurationId} failed after retries: ${first}${more}`,
  );
}

export function createHarvestHandler(deps: HarvestHandlerDeps): LambdaHandler<HarvestInput, HarvestOutput> {
  const clock = deps.clock ?? { now: Date.now };
  const margin = deps.safetyMarginMs ?? DEFAULT_SAFETY_MARGIN_MS;
  const readSecret = createCdnSecretReader(deps.secretsManager);
  const makeClient = deps.originClient ?? createOriginClient;
  const timeBudget = deps.timeBudget ?? ((ms: number) => AbortSignal.timeout(ms));
  const plans = deps.planStore ?? createPlanStore(deps.s3);
  const { logger, metrics } = deps;

  /** Crawls within the invocation's budget: a crawl cut by the budget would only start over next time. */
  async function planWithin(event: HarvestInput, client: OriginClient, budget: InvocationBudget) {
    try {
      return await planHarvest({ entryUrl: event.entryUrl }, { client, signal: budget.signal });
    } catch (error) {
      if (!budget.signal.aborted) throw error;
      throw new HarvestPlanTimeoutError(
        `crawling ${event.entryUrl} did not finish within this invocation's ${(budget.ms / 1000).toFixed(1)} s ` +
          "(Lambda time left minus the safety margin): the origin is too slow or the asset too large for one " +
          "invocation; raise the harvest Lambda's timeout",
        { cause: error },
      );
    }
  }

  async function loadOrPlan(
    event: HarvestInput,
    context: LambdaContext,
    client: OriginClient,
    budget: InvocationBudget,
  ) {
    const { bucket } = event.destination;
    if (event.cursor !== null) {
      assertPlanKeyOf(event.cursor.planKey, event.assetId, event.packagingConfigurationId);
      const plan = await plans.load(bucket, event.cursor.planKey);
      if (plan.entryUrl !== new URL(event.entryUrl).href) {
        throw new HarvestStateInvalidError(
          `stored plan ${event.cursor.planKey} is for another entry URL than ${event.entryUrl}`,
        );
      }
      logger.info("plan loaded", { planKey: event.cursor.planKey, objects: plan.resources.length });
      return { plan, planKey: event.cursor.planKey };
    }
    const started = clock.now();
    const plan = await planWithin(event, client, budget);
    const planKey = planKeyFor(event.assetId, event.packagingConfigurationId, context.awsRequestId);
    await plans.save(bucket, planKey, plan);
    logger.info("plan stored", {
      planKey,
      objects: plan.resources.length,
      manifests: plan.manifests.length,
      crawlSeconds: (clock.now() - started) / 1000,
    });
    return { plan, planKey };
  }

  return instrument("harvest", deps, async (event, context) => {
    const started = clock.now();
    const budgetMs = Math.max(0, context.getRemainingTimeInMillis() - margin);
    const budget: InvocationBudget = { ms: budgetMs, signal: timeBudget(budgetMs) };
    const headers =
      event.cdnIdentifierSecretArn === null
        ? undefined
        : { [CDN_IDENTIFIER_HEADER]: await readSecret(event.cdnIdentifierSecretArn) };
    const client = makeClient({
      ...(headers ? { headers } : {}),
      ...(deps.concurrency !== undefined ? { connections: deps.concurrency } : {}),
    });
    let copiedObjects = 0;
    let copiedBytes = 0;
    let presentObjects = 0;
    const onProgress = (progress: ProgressEvent) => {
      if (progress.type === "object" && progress.outcome === "copied") {
        copiedObjects++;
        copiedBytes += progress.bytes;
      } else if (progress.type === "object") {
        presentObjects++;
      } else if (progress.type === "retry") {
        logger.debug("retrying", { key: progress.key, attempt: progress.attempt, error: progress.error });
      } else if (progress.type === "failed") {
        logger.warn("object failed", { key: progress.key, error: progress.error });
      }
    };
    try {
      const { plan, planKey } = await loadOrPlan(event, context, client, budget);
      const { bucket, prefix } = event.destination;
      const invocation = (event.cursor?.invocations ?? 0) + 1;
      const progress = createS3ProgressStore(deps.s3, {
        bucket,
        planKey,
        invocation,
        requestId: context.awsRequestId,
      });
      const result = await copyPlan(plan, createS3Sink({ client: deps.s3, bucket, prefix }), {
        client,
        // Overwrite belongs to the first invocation only: later ones must keep what it already replaced.
        overwrite: event.overwrite && event.cursor === null,
        budget: budget.signal,
        onProgress,
        progress,
        ...(deps.concurrency !== undefined ? { concurrency: deps.concurrency } : {}),
      }).catch((error: unknown) => {
        // The journal is harvest state, like the stored plan.
        if (error instanceof ProgressStoreError)
          throw new HarvestStateInvalidError(redactText(error.message), { cause: error });
        throw error;
      });
      const cursor: HarvestCursor = { planKey, invocations: invocation };
      const output: HarvestOutput = {
        done: result.status !== "INCOMPLETE",
        cursor,
        objectsDone: result.objects,
        objectsTotal: plan.resources.length,
        bytesDone: result.bytes,
      };
      logger.info("harvest invocation ended", {
        assetId: event.assetId,
        packagingConfigurationId: event.packagingConfigurationId,
        status: result.status,
        stoppedEarly: result.stoppedEarly,
        failed: result.failed.length,
        copiedObjects,
        copiedBytes,
        presentObjects,
        ...output,
      });
      if (result.status === "INCOMPLETE" && !result.stoppedEarly) {
        throw new HarvestFailedError(failureMessage(event, plan, result));
      }
      return output;
    } finally {
      metrics.addMetric("objects", MetricUnit.Count, copiedObjects);
      metrics.addMetric("bytes", MetricUnit.Bytes, copiedBytes);
      metrics.addMetric("seconds", MetricUnit.Seconds, (clock.now() - started) / 1000);
      await client.close();
    }
  });
}
