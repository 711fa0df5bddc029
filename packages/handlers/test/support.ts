/** Shared test setup: moto (S3, Secrets Manager, SNS), observability with captured output, Lambda contexts. */
import { randomUUID } from "node:crypto";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { Tracer } from "@aws-lambda-powertools/tracer";
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SNSClient } from "@aws-sdk/client-sns";
import { createOriginClient, type OriginClient, type OriginClientOptions } from "@vod-harvest/harvest";
import { type MotoServer, startMoto } from "@vod-harvest/testing/moto";
import { type MockInstance, vi } from "vitest";
import {
  createLogger,
  type HarvestHandlerDeps,
  type LambdaContext,
  type Observability,
} from "../src/index.js";

export interface Aws {
  readonly moto: MotoServer;
  readonly s3: S3Client;
  readonly secretsManager: SecretsManagerClient;
  readonly sns: SNSClient;
}

export async function startAws(): Promise<Aws> {
  const moto = await startMoto();
  const common = { endpoint: moto.endpoint, region: moto.region, credentials: moto.credentials };
  return {
    moto,
    s3: new S3Client({
      ...common,
      forcePathStyle: true,
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    }),
    secretsManager: new SecretsManagerClient(common),
    sns: new SNSClient(common),
  };
}

export async function createBucket(aws: Aws, bucket: string): Promise<void> {
  await aws.s3.send(new CreateBucketCommand({ Bucket: bucket }));
}

export async function createCdnSecret(aws: Aws, value: string): Promise<string> {
  const created = await aws.secretsManager.send(
    new CreateSecretCommand({
      Name: `cdn-${randomUUID()}`,
      SecretString: JSON.stringify({ MediaPackageCDNIdentifier: value }),
    }),
  );
  if (!created.ARN) throw new Error("moto returned no secret ARN");
  return created.ARN;
}

/** Every key under a prefix with its size. */
export async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<Map<string, number>> {
  const keys = new Map<string, number>();
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) keys.set(object.Key ?? "", object.Size ?? -1);
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}

/** Everything the handlers write to stdout/stderr (Powertools logs and EMF metrics), kept off the terminal. */
export class CapturedOutput {
  private chunks: string[] = [];
  private spies: MockInstance[] = [];

  start(): void {
    for (const stream of [process.stdout, process.stderr]) {
      this.spies.push(
        vi.spyOn(stream, "write").mockImplementation(((chunk: unknown) => {
          this.chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString());
          return true;
        }) as never),
      );
    }
  }

  stop(): void {
    for (const spy of this.spies) spy.mockRestore();
    this.spies = [];
  }

  text(): string {
    return this.chunks.join("");
  }

  /** The JSON log lines. */
  records(): Record<string, unknown>[] {
    return this.text()
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  clear(): void {
    this.chunks = [];
  }
}

export function testObservability(): Observability {
  return {
    logger: createLogger({ logLevel: "DEBUG" }),
    metrics: new Metrics({ namespace: "VodHarvestTest", serviceName: "vod-harvest" }),
    tracer: new Tracer({ serviceName: "vod-harvest", enabled: false }),
  };
}

/**
 * A Lambda context whose remaining time is `remainingMs` whenever asked: the clock stands still, so what a handler
 * derives from it does not depend on the machine's speed (tests fire time budgets on events).
 */
export function fakeContext(remainingMs: number): LambdaContext {
  return {
    awsRequestId: randomUUID(),
    functionName: "vod-harvest-test",
    getRemainingTimeInMillis: () => remainingMs,
  };
}

/**
 * A harvest handler's time budget driven by events: each invocation's budget runs out as its `nth` segment
 * download starts, so how many invocations a harvest takes does not depend on the machine's speed. Pass both
 * fields to createHarvestHandler.
 */
export function budgetAfterOpens(nth: number): Pick<HarvestHandlerDeps, "timeBudget" | "originClient"> {
  let budget = new AbortController();
  let opens = 0;
  return {
    timeBudget: () => {
      budget = new AbortController();
      opens = 0;
      return budget.signal;
    },
    originClient: (options: OriginClientOptions): OriginClient => {
      const client = createOriginClient(options);
      return {
        ...client,
        open: (url, policy, signal) => {
          if (++opens === nth) budget.abort();
          return client.open(url, policy, signal);
        },
      };
    },
  };
}
