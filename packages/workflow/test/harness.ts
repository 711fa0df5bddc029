// Runs the real definition with aws-local-stepfunctions, every Task overridden by an in-test stub. prepare and
// resolve-endpoints run their real (pure) logic; MediaPackage, check, harvest, finalize and SNS are scripted fakes.
// This tests the definition's control flow and data contract, not the real handlers.

import type { Retrier, State } from "../src/asl.js";
import type { StateMachineConfig } from "../src/config.js";
import { buildStateMachine } from "../src/definition.js";
import { resolveEndpoints } from "../src/endpoints.js";
import { listStates } from "../src/inspect.js";
import type {
  CheckInput,
  CheckOutput,
  FinalizeInput,
  FinalizeOutput,
  HarvestInput,
  HarvestOutput,
  LambdaName,
  ResolveEndpointsInput,
} from "../src/lambda-contracts.js";
import { type LocalTaskHandler, runLocally } from "../src/local-execution.js";
import type { Notification } from "../src/notifications.js";
import { WAIT_STATES } from "../src/playable-wait.js";
import { prepareRequest } from "../src/prepare.js";
import { mediaPackageResource, SNS_PUBLISH } from "../src/task-helpers.js";

export const ACCOUNT = "111122223333";
export const LAMBDA_ARNS: Record<LambdaName, string> = {
  prepare: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:vod-harvest-prepare`,
  "resolve-endpoints": `arn:aws:lambda:us-east-1:${ACCOUNT}:function:vod-harvest-resolve-endpoints`,
  check: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:vod-harvest-check`,
  harvest: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:vod-harvest-harvest`,
  finalize: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:vod-harvest-finalize`,
};
export const TOPIC_ARN = `arn:aws:sns:us-east-1:${ACCOUNT}:vod-harvest`;
const EXECUTION_ARN = `arn:aws:states:us-east-1:${ACCOUNT}:execution:vod-harvest:test-run`;

export const TEST_CONFIG: StateMachineConfig = {
  lambdaArns: LAMBDA_ARNS,
  topicArn: TOPIC_ARN,
  mapConcurrency: 2,
  poll: { initialSeconds: 1, maxSeconds: 3, maxAttempts: 6 },
};

/** An error as Step Functions names it (the local runner matches Retry/Catch on `name`). */
export function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

export interface FakeGroup {
  readonly configs: readonly string[];
  readonly cdnSecretArn?: string;
}

/** A scripted MediaPackage VOD: assets, groups, and per-config statuses advanced by each endpoint poll. */
export class FakeMediaPackage {
  readonly assets = new Map<
    string,
    { Id: string; PackagingGroupId: string; SourceArn: string; SourceRoleArn: string }
  >();
  /**
   * Status of each config in the n-th description of the asset (0: the DescribeAsset or CreateAsset result, then
   * one per PollAsset; the last one sticks); default PLAYABLE.
   */
  statusScripts: Record<string, readonly string[]> = {};
  assetPolls = 0;
  /** Errors thrown by the next calls of an action, in order. */
  readonly failNext: Partial<Record<"describeAsset" | "createAsset" | "describePackagingGroup", Error[]>> =
    {};

  constructor(readonly groups: Record<string, FakeGroup>) {}

  private takeFailure(action: keyof FakeMediaPackage["failNext"]): void {
    const error = this.failNext[action]?.shift();
    if (error) throw error;
  }

  private describe(id: string, poll: number) {
    const asset = this.assets.get(id);
    if (!asset) throw namedError("MediaPackageVod.NotFoundException", `Asset ${id} not found`);
    const group = this.groups[asset.PackagingGroupId];
    return {
      ...asset,
      Arn: `arn:aws:mediapackage-vod:us-east-1:${ACCOUNT}:assets/${id}`,
      CreatedAt: "2026-01-01T00:00:00Z",
      EgressEndpoints: (group?.configs ?? []).map((config) => {
        const script = this.statusScripts[config] ?? ["PLAYABLE"];
        return {
          PackagingConfigurationId: config,
          Status: script[Math.min(poll, script.length - 1)] ?? "PLAYABLE",
          Url: `https://egress.test/out/v1/${asset.PackagingGroupId}/${config}/${id}/index.m3u8`,
        };
      }),
    };
  }

  describeAsset = (input: { Id: string }) => {
    this.takeFailure("describeAsset");
    return this.describe(input.Id, 0);
  };

  pollAsset = (input: { Id: string }) => {
    this.assetPolls += 1;
    return this.describe(input.Id, this.assetPolls);
  };

  createAsset = (input: {
    Id: string;
    PackagingGroupId: string;
    SourceArn: string;
    SourceRoleArn: string;
  }) => {
    this.takeFailure("createAsset");
    this.assets.set(input.Id, { ...input });
    return this.describe(input.Id, 0);
  };

  deleteAsset = (input: { Id: string }) => {
    this.assets.delete(input.Id);
    return {};
  };

  describePackagingGroup = (input: { Id: string }) => {
    this.takeFailure("describePackagingGroup");
    const group = this.groups[input.Id];
    if (!group)
      throw namedError("MediaPackageVod.NotFoundException", `Packaging group ${input.Id} not found`);
    return {
      Id: input.Id,
      Arn: `arn:aws:mediapackage-vod:us-east-1:${ACCOUNT}:packaging-groups/${input.Id}`,
      DomainName: "https://egress.test",
      ...(group.cdnSecretArn
        ? {
            Authorization: {
              CdnIdentifierSecret: group.cdnSecretArn,
              SecretsRoleArn: `arn:aws:iam::${ACCOUNT}:role/MediaPackageSecrets`,
            },
          }
        : {}),
    };
  };
}

/** What the harvest Lambda "finds" per config: invocations needed and the asset's totals. */
interface FakeCopy {
  readonly invocations: number;
  readonly objects: number;
  readonly bytes: number;
  /** Throw this from the given invocation (1-based) instead of progressing. */
  readonly failAt?: { readonly invocation: number; readonly error: Error };
}

export interface Fakes {
  readonly mediaPackage?: FakeMediaPackage;
  readonly copies?: Record<string, FakeCopy>;
  /** Completion records present, per config. */
  readonly records?: Record<
    string,
    { readonly entry: string; readonly objects: number; readonly bytes: number }
  >;
  /** Errors thrown by the next harvest calls, in order (before any progress). */
  readonly harvestErrors?: Error[];
  /**
   * Every visit of every Task fails with each of its Retry rules' errors until that rule is spent, then succeeds:
   * the most history events a visit can record.
   */
  readonly exhaustRetries?: boolean;
}

/** A name the retrier matches (States.TaskFailed and States.ALL match any Task error). */
function errorMatching(retrier: Retrier): string {
  const name = retrier.ErrorEquals[0] ?? "States.ALL";
  return name === "States.ALL" || name === "States.TaskFailed" ? "TestTaskFailure" : name;
}

/** Wraps a Task handler so each visit first throws every retry its Retry rules allow (see Fakes.exhaustRetries). */
function exhaustingRetries(state: State, handler: LocalTaskHandler): LocalTaskHandler {
  const failures =
    state.Type === "Task"
      ? (state.Retry ?? []).flatMap((retrier) =>
          new Array<string>(retrier.MaxAttempts ?? 3).fill(errorMatching(retrier)),
        )
      : [];
  // Retries of one visit come one after another with the same input; a later visit starts counting again.
  const attempts = new Map<string, number>();
  return async (input) => {
    const key = JSON.stringify(input);
    const attempt = attempts.get(key) ?? 0;
    const failure = failures[attempt];
    if (failure !== undefined) {
      attempts.set(key, attempt + 1);
      throw namedError(failure, `attempt ${attempt + 1} fails on purpose`);
    }
    attempts.delete(key);
    return handler(input);
  };
}

interface Call {
  readonly state: string;
  readonly input: unknown;
}

export interface RunResult {
  readonly output?: unknown;
  readonly error?: { readonly name: string; readonly cause: string };
  readonly calls: Call[];
  readonly notifications: Notification[];
  readonly attributes: unknown[];
  readonly events: unknown[];
}

type Handler = (input: never) => unknown;

export async function runWorkflow(
  input: unknown,
  fakes: Fakes = {},
  config: StateMachineConfig = TEST_CONFIG,
): Promise<RunResult> {
  const definition = buildStateMachine(config);
  const calls: Call[] = [];
  const notifications: Notification[] = [];
  const attributes: unknown[] = [];
  const mp = fakes.mediaPackage ?? new FakeMediaPackage({});
  const harvestErrors = [...(fakes.harvestErrors ?? [])];

  const copyOf = (config: string): FakeCopy => {
    const copy = fakes.copies?.[config];
    if (!copy) throw new Error(`test has no FakeCopy for ${config}`);
    return copy;
  };
  const byResource: Record<string, Handler> = {
    [LAMBDA_ARNS.prepare]: prepareRequest,
    [LAMBDA_ARNS["resolve-endpoints"]]: (event: ResolveEndpointsInput) => resolveEndpoints(event),
    [LAMBDA_ARNS.check]: (event: CheckInput): CheckOutput => {
      const record = fakes.records?.[event.packagingConfigurationId];
      return record
        ? { complete: true, checksumAlgorithm: "CRC32C", ...record }
        : { complete: false, entry: null, objects: 0, bytes: 0, checksumAlgorithm: null };
    },
    [LAMBDA_ARNS.harvest]: (event: HarvestInput): HarvestOutput => {
      const error = harvestErrors.shift();
      if (error) throw error;
      const copy = copyOf(event.packagingConfigurationId);
      const planKey = `_vod-harvest-state/${event.assetId}/${event.packagingConfigurationId}/run.json`;
      if (event.cursor !== null && event.cursor.planKey !== planKey)
        throw new Error("cursor of another endpoint");
      const invocation = (event.cursor?.invocations ?? 0) + 1;
      if (copy.failAt?.invocation === invocation) throw copy.failAt.error;
      const share = Math.min(invocation / copy.invocations, 1);
      return {
        done: invocation >= copy.invocations,
        cursor: { planKey, invocations: invocation },
        objectsDone: Math.round(copy.objects * share),
        objectsTotal: copy.objects,
        bytesDone: Math.round(copy.bytes * share),
      };
    },
    [LAMBDA_ARNS.finalize]: (event: FinalizeInput): FinalizeOutput => {
      const copy = copyOf(event.packagingConfigurationId);
      return {
        status: "COMPLETE",
        entry: `s3://${event.destination.bucket}/${event.destination.prefix}index.m3u8`,
        objects: copy.objects,
        bytes: copy.bytes,
        checksumAlgorithm: "CRC32C",
      };
    },
    [mediaPackageResource("describeAsset")]: mp.describeAsset,
    [mediaPackageResource("createAsset")]: mp.createAsset,
    [mediaPackageResource("deleteAsset")]: mp.deleteAsset,
    [mediaPackageResource("describePackagingGroup")]: mp.describePackagingGroup,
    [SNS_PUBLISH]: (event: { TopicArn: string; Message: string; MessageAttributes: unknown }) => {
      if (event.TopicArn !== TOPIC_ARN) throw new Error(`published to ${event.TopicArn}`);
      notifications.push(JSON.parse(event.Message) as Notification);
      attributes.push(event.MessageAttributes);
      return { MessageId: String(notifications.length) };
    },
  };

  const taskHandlers: Record<string, LocalTaskHandler> = {};
  for (const { name, state } of listStates(definition)) {
    if (state.Type !== "Task") continue;
    const handler = name === WAIT_STATES.pollAsset ? mp.pollAsset : byResource[state.Resource];
    if (!handler) throw new Error(`no stub for ${state.Resource}`);
    const recorded: LocalTaskHandler = async (taskInput) => {
      calls.push({ state: name, input: structuredClone(taskInput) });
      // (the stubs are typed by lambda-contracts; the definition is what hands them their input)
      return handler(taskInput as never);
    };
    taskHandlers[name] = fakes.exhaustRetries ? exhaustingRetries(state, recorded) : recorded;
  }

  const outcome = await runLocally(definition, input, {
    taskHandlers,
    waitMs: 0,
    retryIntervalMs: 0,
    execution: { id: EXECUTION_ARN, name: "test-run" },
  });
  return { ...outcome, calls, notifications, attributes };
}

export function callsTo(result: RunResult, state: string): unknown[] {
  return result.calls.filter((call) => call.state === state).map((call) => call.input);
}

export const SEED_INPUT = {
  createAssetRequest: {
    Id: "asset-1",
    PackagingGroupId: "pg-1",
    SourceArn: "arn:aws:s3:::source-bucket/path/index.m3u8",
    SourceRoleArn: `arn:aws:iam::${ACCOUNT}:role/MediaPackage_Default_Role`,
    DestinationBucket: "dest-bucket",
    DestinationPath: "vod-downloads",
  },
};
