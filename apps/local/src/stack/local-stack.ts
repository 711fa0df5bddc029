/**
 * startLocalStack: the whole workflow on this machine. moto (S3, SNS, SQS, Secrets Manager) and the MediaPackage
 * VOD emulator on 127.0.0.1; the destination and source buckets, the SNS topic (read through a subscribed SQS
 * queue), the CDN identifier secret; the state machine of packages/workflow run by apps/lambdas' local runner with
 * the real Lambda handlers; and the Step Functions API subset on 127.0.0.1 for the AWS CLI and the SDK.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MediaPackageVodClient } from "@aws-sdk/client-mediapackage-vod";
import { CreateBucketCommand, PutBucketPolicyCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SFNClient } from "@aws-sdk/client-sfn";
import { CreateTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";
import { mediaPackageFromClient, snsFromClient } from "@vod-harvest/handlers/local";
import { createS3ClientFromEnv, createS3Sink, readObjectText } from "@vod-harvest/s3-sink";
import { type MotoServer, startMoto } from "@vod-harvest/testing/moto";
import {
  buildCatalogStateMachine,
  buildStateMachine,
  CATALOG_LAMBDA_NAMES,
  LAMBDA_NAMES,
} from "@vod-harvest/workflow";
import type { DistributedMapIo } from "@vod-harvest/workflow/local";
import { type MediaPackageVodEmulator, startMediaPackageVodEmulator } from "../emulator.js";
import type { EmulatorTiming } from "../mediapackage/types.js";
import { type SfnApiServer, startSfnApiServer } from "../sfn-api/server.js";
import { childExecutionTasks } from "./child-executions.js";
import { LocalExecutions } from "./executions.js";
import { createLocalCatalogLambdas, createLocalLambdas } from "./lambdas.js";
import { type NotificationFeed, startNotificationFeed, subscribeQueue } from "./notifications.js";
import { LocalStateMachines, MapRuns } from "./state-machines.js";

/** The account and names the local runner uses in execution ARNs (apps/lambdas local-runner.ts). */
const ACCOUNT = "000000000000";
const REGION = "us-east-1";
const MACHINE_NAME = "vod-harvest-local";
const CATALOG_MACHINE_NAME = "vod-harvest-local-catalog";

export interface LocalStackOptions {
  /** Destination of the harvested copies. Default `dest-bucket`. */
  readonly destinationBucket?: string;
  /** Where sources are uploaded for CreateAsset. Default `source-bucket`. */
  readonly sourceBucket?: string;
  /** Default `vod-harvest-notifications`. */
  readonly topicName?: string;
  /** The CDN identifier stored in the secret. Default: random. */
  readonly cdnIdentifier?: string;
  /** Emulator work files; default a new temporary directory, removed by stop(). */
  readonly workDir?: string;
  /** 0 or absent: free ports. */
  readonly emulatorPort?: number;
  readonly sfnPort?: number;
  /** Assets per ListAssets page the catalogue asks for. Default 10, so a few dozen assets take several pages. */
  readonly listAssetsPageSize?: number;
  /** Every Wait state of the state machine lasts this long. Default 250 ms. */
  readonly waitMs?: number;
  readonly emulatorTiming?: EmulatorTiming;
  /** Stop everything on SIGINT/SIGTERM, then let the signal end the process. Default false. */
  readonly stopOnSignals?: boolean;
  /** Lines about what the stack does (emulator packaging outcomes). Silent by default. */
  readonly log?: (line: string) => void;
}

export interface LocalStackClients {
  readonly s3: S3Client;
  readonly secretsManager: SecretsManagerClient;
  readonly sns: SNSClient;
  readonly sqs: SQSClient;
  readonly mediaPackage: MediaPackageVodClient;
  /** The real Step Functions client, pointed at the local API server. */
  readonly sfn: SFNClient;
}

export interface LocalStack {
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** moto: S3 (path-style: `<motoEndpoint>/<bucket>/<key>`), SNS, SQS, Secrets Manager. */
  readonly motoEndpoint: string;
  /** moto's server process (its memory is part of the stack's). */
  readonly motoPid: number | undefined;
  readonly emulatorEndpoint: string;
  /** The emulator itself: tests make it throttle or fail (injectFault). */
  readonly emulator: MediaPackageVodEmulator;
  /** The Step Functions API subset (`--endpoint-url` of `aws stepfunctions`, `endpoint` of SFNClient). */
  readonly sfnEndpoint: string;
  readonly stateMachineArn: string;
  /** The catalogue state machine: a Distributed Map starting `stateMachineArn` once per asset. */
  readonly catalogStateMachineArn: string;
  readonly destinationBucket: string;
  readonly sourceBucket: string;
  readonly topicArn: string;
  readonly cdnSecretArn: string;
  readonly cdnIdentifier: string;
  /** Environment for a child process (AWS CLI, `vod-harvest start`): dummy credentials and region. */
  readonly env: Readonly<Record<string, string>>;
  readonly clients: LocalStackClients;
  readonly executions: LocalExecutions;
  readonly catalogExecutions: LocalExecutions;
  /** Both machines and the Map Runs of the catalogue's executions (what the API server serves). */
  readonly machines: LocalStateMachines;
  readonly notifications: NotificationFeed;
  readonly workDir: string;
  /** Stops the API server, the notification feed, the emulator and moto; removes a temporary workDir. */
  stop(): Promise<void>;
}

/** Stops started parts in reverse order; a part failing to stop does not keep the others running. */
class Teardown {
  readonly #steps: Array<() => Promise<void>> = [];
  add(step: () => Promise<void>): void {
    this.#steps.unshift(step);
  }
  async run(): Promise<void> {
    const steps = this.#steps.splice(0);
    for (const step of steps) await step().catch(() => {});
  }
}

function publicReadPolicy(bucket: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/*` },
    ],
  });
}

function functionArns<Name extends string>(names: readonly Name[]): Record<Name, string> {
  return Object.fromEntries(
    names.map((name) => [name, `arn:aws:lambda:${REGION}:${ACCOUNT}:function:vod-harvest-${name}`]),
  ) as Record<Name, string>;
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const teardown = new Teardown();
  try {
    return await start(options, teardown);
  } catch (error) {
    await teardown.run();
    throw error;
  }
}

async function start(options: LocalStackOptions, teardown: Teardown): Promise<LocalStack> {
  const destinationBucket = options.destinationBucket ?? "dest-bucket";
  const sourceBucket = options.sourceBucket ?? "source-bucket";
  const cdnIdentifier = options.cdnIdentifier ?? randomBytes(16).toString("hex");
  const workDir = options.workDir ?? (await mkdtemp(join(tmpdir(), "vod-harvest-local-")));
  if (options.workDir === undefined) teardown.add(() => rm(workDir, { recursive: true, force: true }));

  const moto: MotoServer = await startMoto();
  teardown.add(() => moto.stop());
  const common = { region: moto.region, credentials: moto.credentials, endpoint: moto.endpoint };
  const s3 = new S3Client({ ...common, forcePathStyle: true });
  const secretsManager = new SecretsManagerClient(common);
  const sns = new SNSClient(common);
  const sqs = new SQSClient(common);

  for (const bucket of new Set([destinationBucket, sourceBucket])) {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    // Anonymous reads, as from a public website bucket: players (ffplay, a browser) fetch over plain HTTP.
    await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: publicReadPolicy(bucket) }));
  }
  const topic = await sns.send(
    new CreateTopicCommand({ Name: options.topicName ?? "vod-harvest-notifications" }),
  );
  const topicArn = topic.TopicArn as string;
  const queueUrl = await subscribeQueue(sns, sqs, topicArn, "vod-harvest-notifications-feed");
  const notifications = startNotificationFeed(sqs, queueUrl);
  teardown.add(() => notifications.stop());
  const secret = await secretsManager.send(
    new CreateSecretCommand({
      Name: "vod-harvest-cdn-identifier",
      SecretString: JSON.stringify({ MediaPackageCDNIdentifier: cdnIdentifier }),
    }),
  );

  const emulator: MediaPackageVodEmulator = await startMediaPackageVodEmulator({
    s3,
    secretsManager,
    workDir: join(workDir, "emulator"),
    ...(options.emulatorPort !== undefined ? { port: options.emulatorPort } : {}),
    timing: options.emulatorTiming ?? { queuedMs: 200, secretCacheMs: 0 },
    ...(options.log ? { log: options.log } : {}),
  });
  teardown.add(() => emulator.stop());
  const mediaPackage = new MediaPackageVodClient({
    region: moto.region,
    credentials: moto.credentials,
    endpoint: emulator.endpoint,
  });

  // The Lambdas see moto as their S3 through the same environment variables a Lambda would.
  const lambdaS3 = createS3ClientFromEnv({ forcePathStyle: true, env: moto.env });
  const waitMs = options.waitMs ?? 250;
  const lambdaArns = functionArns(LAMBDA_NAMES);
  const definition = buildStateMachine({ lambdaArns, topicArn, shortWaits: true });
  const stateMachineArn = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${MACHINE_NAME}`;
  const executions = new LocalExecutions({
    setup: {
      definition,
      lambdaArns,
      lambdas: createLocalLambdas({ s3: lambdaS3, secretsManager }),
      mediaPackage: mediaPackageFromClient(mediaPackage),
      sns: snsFromClient(sns),
      waitMs,
      stateMachineName: MACHINE_NAME,
    },
    stateMachineArn,
    region: REGION,
    executionArnPrefix: `arn:aws:states:${REGION}:${ACCOUNT}:execution:${MACHINE_NAME}:`,
    roleArn: `arn:aws:iam::${ACCOUNT}:role/vod-harvest-local-state-machine`,
  });

  const catalogLambdaArns = functionArns(CATALOG_LAMBDA_NAMES);
  const catalogStateMachineArn = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${CATALOG_MACHINE_NAME}`;
  const mapRuns = new MapRuns();
  const distributedMap: DistributedMapIo = {
    readObject: (bucket, key) => readObjectText(createS3Sink({ client: lambdaS3, bucket }), key),
    writeObject: async (bucket, key, body) => {
      await lambdaS3.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: "application/json" }),
      );
    },
    runTask: childExecutionTasks(executions),
    onMapRun: (snapshot) => mapRuns.record(snapshot),
    retryIntervalMs: waitMs,
  };
  const catalogExecutions = new LocalExecutions({
    setup: {
      definition: buildCatalogStateMachine({
        lambdaArns: catalogLambdaArns,
        childStateMachineArn: stateMachineArn,
        topicArn,
      }),
      lambdaArns: catalogLambdaArns,
      lambdas: createLocalCatalogLambdas({
        s3: lambdaS3,
        secretsManager,
        mediaPackage,
        listAssetsPageSize: options.listAssetsPageSize ?? 10,
      }),
      mediaPackage: mediaPackageFromClient(mediaPackage),
      sns: snsFromClient(sns),
      waitMs,
      retryIntervalMs: waitMs,
      stateMachineName: CATALOG_MACHINE_NAME,
      distributedMap,
    },
    stateMachineArn: catalogStateMachineArn,
    region: REGION,
    executionArnPrefix: `arn:aws:states:${REGION}:${ACCOUNT}:execution:${CATALOG_MACHINE_NAME}:`,
    roleArn: `arn:aws:iam::${ACCOUNT}:role/vod-harvest-local-catalog`,
  });
  const machines = new LocalStateMachines([executions, catalogExecutions], mapRuns);

  const api: SfnApiServer = await startSfnApiServer({
    machines,
    ...(options.sfnPort ? { port: options.sfnPort } : {}),
  });
  teardown.add(() => api.stop());
  const sfn = new SFNClient({ region: moto.region, credentials: moto.credentials, endpoint: api.endpoint });

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      await teardown.run();
      for (const client of [s3, secretsManager, sns, sqs, mediaPackage, sfn, lambdaS3]) client.destroy();
    })();
    return stopped;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    // Stop what this stack started, then let the signal do what it would have done without this listener.
    void stop().then(() => process.kill(process.pid, signal));
  };
  if (options.stopOnSignals) {
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
  }

  return {
    region: moto.region,
    credentials: moto.credentials,
    motoEndpoint: moto.endpoint,
    motoPid: moto.pid,
    emulatorEndpoint: emulator.endpoint,
    emulator,
    sfnEndpoint: api.endpoint,
    stateMachineArn,
    catalogStateMachineArn,
    destinationBucket,
    sourceBucket,
    topicArn,
    cdnSecretArn: secret.ARN as string,
    cdnIdentifier,
    env: {
      AWS_ACCESS_KEY_ID: moto.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: moto.credentials.secretAccessKey,
      AWS_REGION: moto.region,
      AWS_DEFAULT_REGION: moto.region,
    },
    clients: { s3, secretsManager, sns, sqs, mediaPackage, sfn },
    executions,
    catalogExecutions,
    machines,
    notifications,
    workDir,
    stop,
  };
}
