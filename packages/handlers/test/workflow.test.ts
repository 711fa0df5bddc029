// The state machine of packages/workflow executed by aws-local-stepfunctions with the REAL handler factories
// as its Lambdas, against moto (S3, Secrets Manager, SNS), the test origin, and an in-process MediaPackage VOD.
// Expected entries, counts and sizes come from DESIGN.md's layout and the fixture (see fixture.ts).

import { skipWithoutMoto } from "@vod-harvest/testing/moto";
import { startTestOrigin, type TestOrigin } from "@vod-harvest/testing/test-origin";
import { buildStateMachine, type LambdaName, type Notification } from "@vod-harvest/workflow";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import {
  CDN_IDENTIFIER_HEADER,
  clearCdnSecretCache,
  createCheckHandler,
  createFinalizeHandler,
  createHarvestHandler,
  createPrepareHandler,
  createResolveEndpointsHandler,
  type HarvestHandlerDeps,
} from "../src/index.js";
import { createLocalRunner, type LocalLambdas, snsFromClient, type TaskCall } from "../src/local.js";
import { type FakeGroup, FakeMediaPackage } from "./fake-mediapackage.js";
import { assetUnder, EXPECTED_BYTES, EXPECTED_OBJECTS } from "./fixture.js";
import { type SnsInbox, startSnsInbox } from "./sns-inbox.js";
import {
  type Aws,
  budgetAfterOpens,
  CapturedOutput,
  createBucket,
  createCdnSecret,
  listKeys,
  startAws,
  testObservability,
} from "./support.js";

const BUCKET = "dest-bucket";
const SECRET = "cdn-identifier-0b7e44d1-never-in-state";
const LAMBDA_ARNS: Record<LambdaName, string> = {
  prepare: "arn:aws:lambda:us-east-1:123456789012:function:vod-harvest-prepare",
  "resolve-endpoints": "arn:aws:lambda:us-east-1:123456789012:function:vod-harvest-resolve-endpoints",
  check: "arn:aws:lambda:us-east-1:123456789012:function:vod-harvest-check",
  harvest: "arn:aws:lambda:us-east-1:123456789012:function:vod-harvest-harvest",
  finalize: "arn:aws:lambda:us-east-1:123456789012:function:vod-harvest-finalize",
};

const seedInput = (id: string, group = "pg-1") => ({
  createAssetRequest: {
    Id: id,
    PackagingGroupId: group,
    SourceArn: "arn:aws:s3:::source-bucket/path/index.m3u8",
    SourceRoleArn: "arn:aws:iam::111122223333:role/MediaPackage_Default_Role",
    DestinationBucket: BUCKET,
    DestinationPath: "vod-downloads",
  },
});

const complete = (id: string, config: string) => ({
  packagingConfigurationId: config,
  status: "COMPLETE",
  entry: `s3://dest-bucket/vod-downloads/${id}/${config}/index.m3u8`,
  objects: EXPECTED_OBJECTS,
  bytes: EXPECTED_BYTES,
});

/**
 * What the harvest handler keeps back from its Lambda's timeout for the writes after its copy stops (journal,
 * output): the local runner fails a handler still running at the timeout with Sandbox.Timedout, as AWS does.
 */
const HARVEST_MARGIN_MS = 300;

const events = (notifications: readonly Notification[]) => notifications.map((n) => `${n.Type} ${n.Event}`);

describe.skipIf(skipWithoutMoto("packages/handlers state machine tests"))(
  "the state machine with the real handlers",
  () => {
    let aws: Aws;
    let inbox: SnsInbox;
    let origin: TestOrigin;
    let cdnOrigin: TestOrigin;
    let cdnSecretArn: string;
    const output = new CapturedOutput();

    beforeAll(async () => {
      aws = await startAws();
      await createBucket(aws, BUCKET);
      inbox = await startSnsInbox(aws.sns, "vod-harvest");
      origin = await startTestOrigin({});
      cdnOrigin = await startTestOrigin({ requireHeaders: { [CDN_IDENTIFIER_HEADER]: SECRET } });
      cdnSecretArn = await createCdnSecret(aws, SECRET);
    });
    afterAll(async () => {
      await inbox?.close();
      await origin?.close();
      await cdnOrigin?.close();
      await aws?.moto.stop();
    });
    beforeEach(() => {
      clearCdnSecretCache();
      origin.clearFaults();
      output.clear();
      output.start();
    });
    afterEach(() => output.stop());

    function lambdas(harvestOverrides: Partial<HarvestHandlerDeps> = {}): LocalLambdas {
      const observability = testObservability();
      return {
        prepare: createPrepareHandler(observability),
        "resolve-endpoints": createResolveEndpointsHandler(observability),
        check: createCheckHandler({ ...observability, s3: aws.s3 }),
        harvest: createHarvestHandler({
          ...observability,
          s3: aws.s3,
          secretsManager: aws.secretsManager,
          safetyMarginMs: HARVEST_MARGIN_MS,
          concurrency: 2,
          ...harvestOverrides,
        }),
        finalize: createFinalizeHandler({ ...observability, s3: aws.s3 }),
      };
    }

    /** A MediaPackage whose groups' egress is `server`, the asset served there for each config. */
    function mediaPackage(server: TestOrigin, groups: Record<string, FakeGroup>, assetId: string) {
      const fake = new FakeMediaPackage(groups, server.url);
      for (const [group, { configs }] of Object.entries(groups)) {
        for (const config of configs) {
          for (const [path, file] of Object.entries(assetUnder(fake.egressPath(group, config, assetId)))) {
            server.setFile(path, file);
          }
        }
      }
      return fake;
    }

    async function run(
      input: unknown,
      fake: FakeMediaPackage,
      options: { harvest?: Partial<HarvestHandlerDeps> } = {},
    ) {
      const calls: TaskCall[] = [];
      const runner = createLocalRunner({
        definition: buildStateMachine({
          lambdaArns: LAMBDA_ARNS,
          topicArn: inbox.topicArn,
          mapConcurrency: 2,
          poll: { initialSeconds: 1, maxSeconds: 2, maxAttempts: 5 },
        }),
        lambdaArns: LAMBDA_ARNS,
        lambdas: lambdas(options.harvest),
        mediaPackage: fake.api,
        sns: snsFromClient(aws.sns),
        lambdaTimeoutMs: { harvest: 60_000 },
        waitMs: 0,
        retryIntervalMs: 0,
        onTask: (call) => calls.push(call),
      });
      const result = await runner.run(input);
      const notifications = await inbox.forExecution(result.executionArn);
      const statesOf = (state: string) => calls.filter((call) => call.state === state);
      return { ...result, calls, statesOf, notifications };
    }

    test("a missing asset is created, its endpoints polled until PLAYABLE, then both harvested", async () => {
      const fake = mediaPackage(origin, { "pg-1": { configs: ["hls", "cmaf"] } }, "asset-new");
      fake.statusScripts = {
        hls: ["QUEUED", "PROCESSING", "PROCESSING", "PLAYABLE"],
        cmaf: ["QUEUED", "PLAYABLE"],
      };
      const result = await run(seedInput("asset-new"), fake);

      expect(result.error).toBeUndefined();
      expect(result.output).toEqual({
        assetId: "asset-new",
        results: [complete("asset-new", "hls"), complete("asset-new", "cmaf")],
      });
      expect(fake.calls.filter((c) => c.action === "createAsset").map((c) => c.input)).toEqual([
        {
          Id: "asset-new",
          PackagingGroupId: "pg-1",
          SourceArn: "arn:aws:s3:::source-bucket/path/index.m3u8",
          SourceRoleArn: "arn:aws:iam::111122223333:role/MediaPackage_Default_Role",
          // The workflow's mark: only assets carrying it may be deleted after their harvest (IAM).
          Tags: { "vod-harvest:created-by": "vod-harvest" },
        },
      ]);
      // CreateAsset is description 0 (QUEUED); hls needs description 3, so the asset was polled 3 times, and no
      // harvest started before both were PLAYABLE (the wait is one loop for the whole asset).
      expect(result.statesOf("PollAsset")).toHaveLength(3);
      const order = result.calls.map((call) => call.state);
      expect(order.lastIndexOf("PollAsset")).toBeLessThan(order.indexOf("Harvest"));
      expect(events(result.notifications)).toEqual([
        "NOTIFICATION HarvestStarted",
        "NOTIFICATION EndpointComplete",
        "NOTIFICATION EndpointComplete",
        "NOTIFICATION HarvestFinished",
      ]);
      // The completion message says which checksum the record holds (what `vod-harvest verify` checks).
      for (const message of result.notifications.filter((n) => n.Event === "EndpointComplete"))
        expect(message).toMatchObject({ ChecksumAlgorithm: "CRC32C" });
      const stored = await listKeys(aws.s3, BUCKET, "vod-downloads/asset-new/");
      expect(stored.get("vod-downloads/asset-new/hls/index.m3u8")).toBeGreaterThan(0);
      expect(stored.get("vod-downloads/asset-new/cmaf/high/seg-3.ts")).toBe(1003);
      expect(stored.has("vod-downloads/asset-new/hls/_vod-harvest-complete.json")).toBe(true);
    });

    test("an existing asset is reused (no CreateAsset); a FAILED endpoint is reported and the other completes", async () => {
      const fake = mediaPackage(origin, { "pg-1": { configs: ["hls", "cmaf"] } }, "asset-old");
      fake.assets.set("asset-old", {
        Id: "asset-old",
        PackagingGroupId: "pg-1",
        SourceArn: "arn:aws:s3:::source-bucket/path/index.m3u8",
        SourceRoleArn: "arn:aws:iam::111122223333:role/MediaPackage_Default_Role",
      });
      fake.statusScripts = { cmaf: ["PROCESSING", "FAILED"] };
      const result = await run(seedInput("asset-old"), fake);

      expect(fake.count("createAsset")).toBe(0);
      expect(result.output).toEqual({
        assetId: "asset-old",
        results: [
          complete("asset-old", "hls"),
          { packagingConfigurationId: "cmaf", status: "FAILED", entry: null, objects: 0, bytes: 0 },
        ],
      });
      const failed = result.notifications.find((n) => n.Event === "EndpointFailed");
      expect(failed).toMatchObject({
        Type: "ERROR",
        AssetId: "asset-old",
        PackagingConfigurationId: "cmaf",
        Error: "EndpointFailed",
      });
      expect(result.notifications.at(-1)).toMatchObject({ Type: "ERROR", Event: "HarvestFinished" });
      expect(
        result
          .statesOf("Harvest")
          .map((c) => (c.input as { packagingConfigurationId: string }).packagingConfigurationId),
      ).toEqual(["hls"]);
    });

    test("an endpoint whose completion record exists is SKIPPED when Overwrite is false", async () => {
      const fake = mediaPackage(origin, { "pg-1": { configs: ["hls"] } }, "asset-twice");
      const first = await run(seedInput("asset-twice"), fake);
      expect(first.output).toEqual({ assetId: "asset-twice", results: [complete("asset-twice", "hls")] });

      const second = await run(seedInput("asset-twice"), fake);
      expect(second.output).toEqual({
        assetId: "asset-twice",
        results: [{ ...complete("asset-twice", "hls"), status: "SKIPPED" }],
      });
      expect(second.statesOf("Harvest")).toEqual([]);
      expect(events(second.notifications)).toEqual([
        "NOTIFICATION HarvestStarted",
        "NOTIFICATION EndpointSkipped",
        "NOTIFICATION HarvestFinished",
      ]);
      expect(second.notifications.find((n) => n.Event === "EndpointSkipped")).toMatchObject({
        ChecksumAlgorithm: "CRC32C",
      });
    });

    test("CDN authorization: the secret's ARN travels in state data, its value never", async () => {
      const fake = mediaPackage(cdnOrigin, { "pg-cdn": { configs: ["hls"], cdnSecretArn } }, "asset-cdn");
      cdnOrigin.resetLog();
      const result = await run(seedInput("asset-cdn", "pg-cdn"), fake);

      expect(result.output).toEqual({ assetId: "asset-cdn", results: [complete("asset-cdn", "hls")] });
      const harvestInputs = result
        .statesOf("Harvest")
        .map((c) => c.input as { cdnIdentifierSecretArn: string });
      expect(harvestInputs.map((input) => input.cdnIdentifierSecretArn)).toEqual([cdnSecretArn]);
      expect(cdnOrigin.requests.length).toBeGreaterThan(0);
      expect(cdnOrigin.requests.every((r) => r.headers["x-mediapackage-cdnidentifier"] === SECRET)).toBe(
        true,
      );
      // Nowhere: execution history (every state's input and output), notifications, logs.
      expect(JSON.stringify(result.events)).toContain(cdnSecretArn);
      expect(JSON.stringify(result.events)).not.toContain(SECRET);
      expect(JSON.stringify(result.calls)).not.toContain(SECRET);
      expect(JSON.stringify(result.notifications)).not.toContain(SECRET);
      expect(output.text()).not.toContain(SECRET);
    });

    test("a harvest spanning several Lambda invocations reports progress and crawls once", async () => {
      const fake = mediaPackage(origin, { "pg-1": { configs: ["hls"] } }, "asset-long");
      origin.resetLog();
      // Each invocation's budget runs out as its fourth segment download starts (2 at a time: 2+ segments each).
      const result = await run(seedInput("asset-long"), fake, { harvest: budgetAfterOpens(4) });

      expect(result.output).toEqual({ assetId: "asset-long", results: [complete("asset-long", "hls")] });
      const harvests = result
        .statesOf("Harvest")
        .map((c) => c.input as { cursor: { invocations: number } | null });
      expect(harvests.length).toBeGreaterThan(2);
      expect(harvests.map((input) => input.cursor?.invocations ?? 0)).toEqual(harvests.map((_, i) => i));
      const progress = result.notifications.filter((n) => n.Event === "HarvestProgress");
      expect(progress).toHaveLength(harvests.length - 1);
      expect(progress.at(-1)).toMatchObject({
        PackagingConfigurationId: "hls",
        ObjectsTotal: EXPECTED_OBJECTS,
      });
      const manifestGets = origin.requests.filter((r) => r.method === "GET" && r.path.endsWith(".m3u8"));
      expect(manifestGets).toHaveLength(3);
    });

    test("direct mode harvests the given sources without MediaPackage", async () => {
      const fake = new FakeMediaPackage({}, origin.url);
      for (const [path, file] of Object.entries(assetUnder("direct/main"))) origin.setFile(path, file);
      const result = await run(
        {
          harvestRequest: {
            Id: "direct-1",
            Sources: [{ Name: "main", Url: origin.urlOf("/direct/main/index.m3u8") }],
            DestinationBucket: BUCKET,
            DestinationPath: "vod-downloads",
          },
        },
        fake,
      );
      expect(result.output).toEqual({ assetId: "direct-1", results: [complete("direct-1", "main")] });
      expect(fake.calls).toEqual([]);
      expect(result.notifications[0]).toMatchObject({ Event: "HarvestStarted", Mode: "direct" });
    });

    test("bad input fails the execution early with InvalidRequest naming the field", async () => {
      const fake = new FakeMediaPackage({}, origin.url);
      const input = seedInput("asset-bad");
      const result = await run(
        { createAssetRequest: { ...input.createAssetRequest, SourceArn: "https://not-an-arn" } },
        fake,
      );
      expect(result.error?.name).toBe("InvalidRequest");
      expect(result.error?.cause).toMatch(/^createAssetRequest\.SourceArn: /);
      expect(fake.calls).toEqual([]);
      expect(result.notifications).toEqual([
        expect.objectContaining({ Type: "ERROR", Event: "HarvestFailed", Error: "InvalidRequest" }),
      ]);
    });
  },
);
