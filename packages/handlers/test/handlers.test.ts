// Each handler factory against moto (S3) and the project's test origin; CDN authorization is in cdn-auth.test.ts.
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { createOriginClient, type OriginClient, type OriginClientOptions } from "@vod-harvest/harvest";
import { skipWithoutMoto } from "@vod-harvest/testing/moto";
import { startTestOrigin, type TestOrigin } from "@vod-harvest/testing/test-origin";
import {
  type Destination,
  HARVEST_STATE_EXPIRY_DAYS,
  type HarvestInput,
  type HarvestOutput,
} from "@vod-harvest/workflow";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import {
  clearCdnSecretCache,
  createCheckHandler,
  createFinalizeHandler,
  createHarvestHandler,
  createPrepareHandler,
  createResolveEndpointsHandler,
  type HarvestHandlerDeps,
} from "../src/index.js";
import { removeFinishedRunState } from "../src/state-cleanup.js";
import { assetFiles, assetUnder, EXPECTED_BYTES, EXPECTED_OBJECTS } from "./fixture.js";
import {
  type Aws,
  budgetAfterOpens,
  CapturedOutput,
  createBucket,
  fakeContext,
  listKeys,
  startAws,
  testObservability,
} from "./support.js";

const BUCKET = "dest-bucket";
const SEED = {
  Id: "asset-1",
  PackagingGroupId: "pg-1",
  SourceArn: "arn:aws:s3:::source-bucket/path/index.m3u8",
  SourceRoleArn: "arn:aws:iam::111122223333:role/MediaPackage_Default_Role",
  DestinationBucket: BUCKET,
  DestinationPath: "vod-downloads",
};

describe.skipIf(skipWithoutMoto("packages/handlers handler tests"))("handlers", () => {
  let aws: Aws;
  let origin: TestOrigin;
  const output = new CapturedOutput();

  beforeAll(async () => {
    aws = await startAws();
    await createBucket(aws, BUCKET);
    origin = await startTestOrigin({ files: assetUnder("out/asset") });
  });
  afterAll(async () => {
    await origin?.close();
    await aws?.moto.stop();
  });
  beforeEach(() => {
    clearCdnSecretCache();
    origin.resetLog();
    origin.clearFaults();
    output.clear();
    output.start();
  });
  afterEach(() => output.stop());

  const destinationOf = (assetId: string, config = "hls"): Destination => ({
    bucket: BUCKET,
    prefix: `vod/${assetId}/${config}/`,
  });
  const harvestInput = (assetId: string, overrides: Partial<HarvestInput> = {}): HarvestInput => ({
    assetId,
    packagingConfigurationId: "hls",
    entryUrl: origin.urlOf("/out/asset/index.m3u8"),
    destination: destinationOf(assetId),
    overwrite: false,
    cdnIdentifierSecretArn: null,
    cursor: null,
    ...overrides,
  });
  const harvestDeps = (overrides: Partial<HarvestHandlerDeps> = {}): HarvestHandlerDeps => ({
    ...testObservability(),
    s3: aws.s3,
    secretsManager: aws.secretsManager,
    safetyMarginMs: 0,
    ...overrides,
  });

  describe("prepare", () => {
    test("normalizes the seed input", async () => {
      const handler = createPrepareHandler(testObservability());
      const { request } = await handler({ input: { createAssetRequest: SEED } }, fakeContext(3000));
      expect(request).toMatchObject({
        mode: "mediapackage",
        assetId: "asset-1",
        destination: { bucket: BUCKET, prefix: "vod-downloads/asset-1/" },
        options: { overwrite: false, packagingConfigurationIds: null, deleteAssetAfterHarvest: false },
      });
    });

    test.each([
      {
        field: "createAssetRequest.SourceArn",
        input: { createAssetRequest: { ...SEED, SourceArn: "s3://source-bucket/index.m3u8" } },
      },
      {
        field: "createAssetRequest.DestinationBucket",
        input: { createAssetRequest: { ...SEED, DestinationBucket: "Bad_Bucket" } },
      },
      { field: "createAssetRequest.Id", input: { createAssetRequest: { ...SEED, Id: undefined } } },
      {
        field: "harvestRequest.Sources",
        input: { harvestRequest: { Id: "a", Sources: [], DestinationBucket: BUCKET } },
      },
      { field: "options.Overwrite", input: { createAssetRequest: SEED, options: { Overwrite: "yes" } } },
      { field: "createAssetRequest", input: {} },
    ])("rejects bad input with InvalidRequest naming $field", async ({ input, field }) => {
      const handler = createPrepareHandler(testObservability());
      const error = await handler({ input }, fakeContext(3000)).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ name: "InvalidRequest", field });
      expect((error as Error).message.startsWith(`${field}: `)).toBe(true);
      // The failure is logged with its name, for the Lambda's own log group.
      expect(output.records().some((r) => r.level === "ERROR" && JSON.stringify(r).includes(field))).toBe(
        true,
      );
    });
  });

  test("resolve-endpoints passes the CDN secret's ARN, filtered endpoints in the asset's order", async () => {
    const handler = createResolveEndpointsHandler(testObservability());
    const result = await handler(
      {
        asset: {
          PackagingGroupId: "pg-1",
          EgressEndpoints: [
            { PackagingConfigurationId: "hls", Status: "QUEUED", Url: "https://egress.test/hls/index.m3u8" },
            { PackagingConfigurationId: "dash", Status: "QUEUED", Url: "https://egress.test/dash/index.mpd" },
          ],
        },
        packagingGroup: { Id: "pg-1", Authorization: { CdnIdentifierSecret: "arn:aws:secretsmanager:x" } },
        packagingGroupId: "pg-1",
        packagingConfigurationIds: ["dash"],
      },
      fakeContext(3000),
    );
    expect(result).toEqual({
      endpoints: [
        {
          packagingConfigurationId: "dash",
          url: "https://egress.test/dash/index.mpd",
          packagingStatus: "PENDING",
        },
      ],
      pending: 1,
      cdnIdentifierSecretArn: "arn:aws:secretsmanager:x",
    });
  });

  /** Keys in the endpoint's checksum journal (every progress file under the state prefix), read as stored. */
  async function journaledKeys(statePrefix: string): Promise<Set<string>> {
    const keys = new Set<string>();
    for (const key of (await listKeys(aws.s3, BUCKET, statePrefix)).keys()) {
      if (!key.includes(".progress/")) continue;
      const object = await aws.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      const file = JSON.parse(
        await (object.Body as { transformToString(): Promise<string> }).transformToString(),
      );
      for (const entry of file.entries as { key: string }[]) keys.add(entry.key);
    }
    return keys;
  }

  describe("harvest, check, finalize", () => {
    test("a harvest spans several invocations: planned once, nothing fetched twice, then checked and finalized", async () => {
      // Each invocation's time budget runs out as its fourth segment download starts (an event, not a clock):
      // with 2 at a time, at least two segments are copied per invocation, and never all of them.
      const concurrency = 2;
      const handler = createHarvestHandler(harvestDeps({ concurrency, ...budgetAfterOpens(4) }));
      const outputs: HarvestOutput[] = [];
      const manifestGets = new Map<string, number>();
      /** GETs of objects an earlier invocation had stored and journaled: must stay empty. */
      const refetched: string[] = [];
      /**
       * GETs of objects stored but not journaled when their invocation started: a put S3 committed as the budget
       * cut the invocation (after its journal was saved). Fetched again by the rule that only journaled objects are
       * trusted; at most one per transfer in flight.
       */
      const unvouchedRefetched: string[] = [];
      /** HEADs of objects an earlier invocation had journaled: must stay empty. */
      const journaledHeads: string[] = [];
      /** Segments journaled before the last invocation: without the journal each would be HEADed again. */
      let journaledSegments = 0;
      const prefix = "vod/asset-multi/hls/";
      while (!outputs.at(-1)?.done) {
        if (outputs.length >= 40) throw new Error("no progress in 40 invocations");
        const before = await listKeys(aws.s3, BUCKET, prefix);
        const journaled = await journaledKeys("_vod-harvest-state/asset-multi/hls/");
        journaledSegments = [...journaled].filter((key) => key.endsWith(".ts")).length;
        origin.resetLog();
        const cursor = outputs.at(-1)?.cursor ?? null;
        outputs.push(await handler(harvestInput("asset-multi", { cursor }), fakeContext(60_000)));
        for (const request of origin.requests) {
          const key = request.path.replace("/out/asset/", "");
          if (request.method === "HEAD" && journaled.has(key))
            journaledHeads.push(`${outputs.length}: ${key}`);
          if (request.method !== "GET") continue;
          if (key.endsWith(".m3u8")) manifestGets.set(key, (manifestGets.get(key) ?? 0) + 1);
          if (!before.has(`${prefix}${key}`)) continue;
          if (journaled.has(key)) refetched.push(`${outputs.length}: ${key}`);
          else unvouchedRefetched.push(`${outputs.length}: ${key}`);
        }
      }

      expect(outputs.length).toBeGreaterThan(2);
      expect(outputs.slice(0, -1).every((o) => !o.done)).toBe(true);
      const last = outputs.at(-1) as HarvestOutput;
      expect(last).toEqual({
        done: true,
        cursor: { planKey: outputs[0]?.cursor.planKey, invocations: outputs.length },
        objectsDone: EXPECTED_OBJECTS,
        objectsTotal: EXPECTED_OBJECTS,
        bytesDone: EXPECTED_BYTES,
      });
      // Every invocation carries the same small cursor: one plan, stored under the state prefix.
      expect(new Set(outputs.map((o) => o.cursor.planKey)).size).toBe(1);
      expect(outputs[0]?.cursor.planKey).toMatch(/^_vod-harvest-state\/asset-multi\/hls\/[\w-]+\.json$/);
      // Next to it, the checksum journal: at most one small file per invocation, in invocation order.
      const planKey = outputs[0]?.cursor.planKey as string;
      const [stateKey, ...journalFiles] = [
        ...(await listKeys(aws.s3, BUCKET, "_vod-harvest-state/asset-multi/")).keys(),
      ].sort();
      expect(stateKey).toBe(planKey);
      expect(journalFiles.length).toBeGreaterThan(1);
      expect(journalFiles.length).toBeLessThanOrEqual(outputs.length);
      const journalFolder = planKey.replace(/\.json$/, ".progress/");
      for (const file of journalFiles) {
        expect(file.startsWith(journalFolder)).toBe(true);
        expect(file.slice(journalFolder.length)).toMatch(/^\d{6}-[\w-]+\.json$/);
      }
      // An object journaled by an earlier invocation is trusted: no origin HEAD for it afterwards.
      expect(journaledHeads).toEqual([]);
      expect(journaledSegments).toBeGreaterThan(0);
      expect(JSON.stringify(last).length).toBeLessThan(1024);

      // Manifests were fetched by the crawl of the first invocation only, once each (later ones use the
      // stored plan); an object already stored was never downloaded again.
      expect(Object.fromEntries(manifestGets)).toEqual({
        "index.m3u8": 1,
        "low/playlist.m3u8": 1,
        "high/playlist.m3u8": 1,
      });
      expect(refetched).toEqual([]);
      for (let invocation = 1; invocation <= outputs.length; invocation++) {
        const inThisOne = unvouchedRefetched.filter((entry) => entry.startsWith(`${invocation}: `));
        expect(inThisOne.length, inThisOne.join(", ")).toBeLessThanOrEqual(concurrency);
      }

      // The copy: every file at its key with its size, plus the completion record; nothing else.
      const stored = await listKeys(aws.s3, BUCKET, "vod/asset-multi/hls/");
      const expected = new Map(
        [...assetFiles()].map(([key, file]) => [
          `vod/asset-multi/hls/${key}`,
          typeof file === "string" ? Buffer.byteLength(file) : (file as Buffer).length,
        ]),
      );
      const { "vod/asset-multi/hls/_vod-harvest-complete.json": record, ...content } =
        Object.fromEntries(stored);
      expect(record).toBeGreaterThan(0);
      expect(content).toEqual(Object.fromEntries(expected));

      // Metrics (EMF) carry objects, bytes and seconds.
      const emf = output.records().filter((r) => r._aws !== undefined);
      expect(emf.length).toBe(outputs.length);
      // An object whose put committed just as the budget cut the transfer is counted as found present by
      // the next invocation, not as copied: up to `concurrency` (2) per stop may be missing from the sums.
      const copied = emf.reduce((sum, r) => sum + Number(r.objects), 0);
      expect(copied).toBeLessThanOrEqual(EXPECTED_OBJECTS);
      expect(copied).toBeGreaterThanOrEqual(EXPECTED_OBJECTS - 2 * (outputs.length - 1));
      expect(emf.reduce((sum, r) => sum + Number(r.bytes), 0)).toBeLessThanOrEqual(EXPECTED_BYTES);
      expect(emf.every((r) => typeof r.seconds === "number")).toBe(true);

      const check = createCheckHandler({ ...testObservability(), s3: aws.s3 });
      expect(
        await check(
          {
            assetId: "asset-multi",
            packagingConfigurationId: "hls",
            destination: destinationOf("asset-multi"),
          },
          fakeContext(3000),
        ),
      ).toEqual({
        complete: true,
        entry: "s3://dest-bucket/vod/asset-multi/hls/index.m3u8",
        objects: EXPECTED_OBJECTS,
        bytes: EXPECTED_BYTES,
        checksumAlgorithm: "CRC32C",
      });

      // Another run of this endpoint (an execution that stopped) left its plan: recent, so it stays.
      const otherRun = "_vod-harvest-state/asset-multi/hls/other-run.json";
      await aws.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: otherRun, Body: "{}" }));
      const runState = [...(await listKeys(aws.s3, BUCKET, "_vod-harvest-state/asset-multi/hls/")).keys()];
      expect(runState.length).toBeGreaterThan(2);

      const finalize = createFinalizeHandler({ ...testObservability(), s3: aws.s3 });
      const finalizeInput = {
        assetId: "asset-multi",
        packagingConfigurationId: "hls",
        destination: destinationOf("asset-multi"),
        cursor: last.cursor,
      };
      expect(await finalize(finalizeInput, fakeContext(3000))).toEqual({
        status: "COMPLETE",
        entry: "s3://dest-bucket/vod/asset-multi/hls/index.m3u8",
        objects: EXPECTED_OBJECTS,
        bytes: EXPECTED_BYTES,
        checksumAlgorithm: "CRC32C",
      });
      // This run's plan and journal are removed once the copy is verified; the other run's plan stays.
      expect([...(await listKeys(aws.s3, BUCKET, "_vod-harvest-state/asset-multi/")).keys()]).toEqual([
        otherRun,
      ]);
      // A finalize run again (its first answer lost) finds the plan gone and checks the record alone.
      expect(await finalize(finalizeInput, fakeContext(3000))).toMatchObject({ status: "COMPLETE" });
      // Past the expiry, a later finished run removes the other run's state too.
      const later = Date.now() + (HARVEST_STATE_EXPIRY_DAYS + 1) * 24 * 3600 * 1000;
      const removed = await removeFinishedRunState(
        aws.s3,
        {
          bucket: BUCKET,
          assetId: "asset-multi",
          packagingConfigurationId: "hls",
          planKey: last.cursor.planKey,
        },
        later,
      );
      expect(removed).toBe(1);
      expect((await listKeys(aws.s3, BUCKET, "_vod-harvest-state/asset-multi/")).size).toBe(0);

      // A planned object gone from the destination: finalize refuses, naming it.
      await aws.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: "vod/asset-multi/hls/low/seg-1.ts" }));
      await expect(finalize(finalizeInput, fakeContext(3000))).rejects.toMatchObject({
        name: "HarvestIncomplete",
        message: expect.stringContaining("low/seg-1.ts"),
      });
    });

    test("check reports an endpoint without a completion record as not complete", async () => {
      const check = createCheckHandler({ ...testObservability(), s3: aws.s3 });
      expect(
        await check(
          {
            assetId: "asset-none",
            packagingConfigurationId: "hls",
            destination: destinationOf("asset-none"),
          },
          fakeContext(3000),
        ),
      ).toEqual({ complete: false, entry: null, objects: 0, bytes: 0, checksumAlgorithm: null });
    });

    test("an object that fails for good after every object was attempted throws HarvestFailed naming it", async () => {
      origin.addFault("/out/asset/high/seg-2.ts", { kind: "status", status: 404 });
      const handler = createHarvestHandler(harvestDeps());
      const error = await handler(harvestInput("asset-broken"), fakeContext(60_000)).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: "HarvestFailed" });
      expect((error as Error).message).toMatch(
        /^1 of 11 objects of asset-broken\/hls failed after retries: high\/seg-2\.ts \(OriginHttpError: .*HTTP 404/,
      );
      const stored = await listKeys(aws.s3, BUCKET, "vod/asset-broken/hls/");
      expect(stored.has("vod/asset-broken/hls/_vod-harvest-complete.json")).toBe(false);
    });

    test("a crawl that cannot finish within the invocation's budget fails with HarvestPlanTimeout, nothing stored", async () => {
      origin.addFault("/out/asset/high/playlist.m3u8", { kind: "stall" });
      // The budget runs out once the crawl has asked for the stalled playlist (an event, not a clock).
      const budget = new AbortController();
      const budgetsAsked: number[] = [];
      const stallingClient = (options: OriginClientOptions): OriginClient => {
        const client = createOriginClient(options);
        return {
          ...client,
          getText: (url, policy, signal) => {
            const text = client.getText(url, policy, signal);
            if (url.pathname.endsWith("/high/playlist.m3u8")) budget.abort();
            return text;
          },
        };
      };
      const handler = createHarvestHandler(
        harvestDeps({
          safetyMarginMs: 1_000,
          originClient: stallingClient,
          timeBudget: (ms) => {
            budgetsAsked.push(ms);
            return budget.signal;
          },
        }),
      );
      const error = await handler(harvestInput("asset-slow"), fakeContext(1_300)).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: "HarvestPlanTimeout", code: "HARVEST_PLAN_TIMEOUT" });
      expect((error as Error).message).toMatch(
        /^crawling http:\/\/127\.0\.0\.1:\d+\/out\/asset\/index\.m3u8 did not finish within this invocation's 0\.3 s/,
      );
      // The budget is the Lambda's remaining time minus the margin; the stalled request (the origin client's
      // timeout is 30 s) was cut when it ran out.
      expect(budgetsAsked).toEqual([300]);
      expect((await listKeys(aws.s3, BUCKET, "vod/asset-slow/")).size).toBe(0);
      expect((await listKeys(aws.s3, BUCKET, "_vod-harvest-state/asset-slow/")).size).toBe(0);
    });

    test("a cursor naming another endpoint's plan is refused", async () => {
      const handler = createHarvestHandler(harvestDeps());
      const cursor = { planKey: "_vod-harvest-state/other-asset/hls/run.json", invocations: 1 };
      await expect(handler(harvestInput("asset-1", { cursor }), fakeContext(60_000))).rejects.toMatchObject({
        name: "HarvestStateInvalid",
      });
    });
  });
});
