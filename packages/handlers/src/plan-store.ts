/**
 * Where the harvest Lambda keeps an endpoint's plan between invocations: the destination bucket, under
 * HARVEST_STATE_PREFIX (outside every content prefix; the stack expires it). Only its key travels in state data.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { HarvestPlan } from "@vod-harvest/harvest";
import { createS3Sink, readObjectText } from "@vod-harvest/s3-sink";
import { HARVEST_STATE_PREFIX } from "@vod-harvest/workflow";
import { HarvestStateInvalidError } from "./errors.js";
import { planProblem } from "./state-schemas.js";

export interface PlanStore {
  save(bucket: string, planKey: string, plan: HarvestPlan): Promise<void>;
  load(bucket: string, planKey: string): Promise<HarvestPlan>;
  /** Like load, but undefined when no object is stored at planKey (removed after its run finished). */
  find(bucket: string, planKey: string): Promise<HarvestPlan | undefined>;
}

/** `<HARVEST_STATE_PREFIX><assetId>/<config>/`: every plan of one endpoint, one file per harvest run. */
export function planPrefix(assetId: string, packagingConfigurationId: string): string {
  return `${HARVEST_STATE_PREFIX}${assetId}/${packagingConfigurationId}/`;
}

export function planKeyFor(assetId: string, packagingConfigurationId: string, runId: string): string {
  return `${planPrefix(assetId, packagingConfigurationId)}${runId}.json`;
}

/** A cursor is state data anyone could have edited: it may only name a plan of this very endpoint. */
export function assertPlanKeyOf(planKey: string, assetId: string, packagingConfigurationId: string): void {
  const prefix = planPrefix(assetId, packagingConfigurationId);
  const run = planKey.startsWith(prefix) ? planKey.slice(prefix.length) : "";
  if (!/^[A-Za-z0-9_-]{1,128}\.json$/.test(run)) {
    throw new HarvestStateInvalidError(
      `cursor.planKey ${JSON.stringify(planKey)} is not a plan of ${assetId}/${packagingConfigurationId}`,
    );
  }
}

export function createPlanStore(s3: S3Client): PlanStore {
  const sinkOf = (bucket: string) => createS3Sink({ client: s3, bucket });
  return {
    async save(bucket, planKey, plan) {
      await sinkOf(bucket).put(planKey, JSON.stringify(plan), {
        overwrite: true,
        contentType: "application/json",
      });
    },
    async load(bucket, planKey) {
      const plan = await this.find(bucket, planKey);
      if (plan === undefined)
        throw new HarvestStateInvalidError(`stored plan s3://${bucket}/${planKey} does not exist`);
      return plan;
    },
    async find(bucket, planKey) {
      const sink = sinkOf(bucket);
      if ((await sink.head(planKey)) === undefined) return undefined;
      let text: string;
      try {
        text = await readObjectText(sink, planKey);
      } catch (error) {
        throw new HarvestStateInvalidError(`stored plan s3://${bucket}/${planKey} cannot be read`, {
          cause: error,
        });
      }
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        throw new HarvestStateInvalidError(`stored plan s3://${bucket}/${planKey} is not JSON`, {
          cause: error,
        });
      }
      const problem = planProblem(value);
      if (problem !== undefined)
        throw new HarvestStateInvalidError(`s3://${bucket}/${planKey} is not a harvest plan (${problem})`);
      return value as HarvestPlan;
    },
  };
}
