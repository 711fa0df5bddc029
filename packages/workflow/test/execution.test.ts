// The definition executed by aws-local-stepfunctions with scripted stubs (see harness.ts). Expected outputs are
// written from DESIGN.md's contract: entry = s3://<bucket>/<DestinationPath>/<Id>/<config>/<entry key>.
import { describe, expect, test } from "vitest";
import { ACCOUNT, callsTo, FakeMediaPackage, namedError, runWorkflow, SEED_INPUT } from "./harness.js";

const twoConfigs = () => new FakeMediaPackage({ "pg-1": { configs: ["hls", "dash"] } });
const copies = {
  hls: { invocations: 1, objects: 120, bytes: 9_000 },
  dash: { invocations: 1, objects: 80, bytes: 7_000 },
};
const COMPLETE_HLS = {
  packagingConfigurationId: "hls",
  status: "COMPLETE",
  entry: "s3://dest-bucket/vod-downloads/asset-1/hls/index.m3u8",
  objects: 120,
  bytes: 9_000,
};
const COMPLETE_DASH = {
  packagingConfigurationId: "dash",
  status: "COMPLETE",
  entry: "s3://dest-bucket/vod-downloads/asset-1/dash/index.m3u8",
  objects: 80,
  bytes: 7_000,
};

describe("asset reuse or creation", () => {
  test("a missing asset is created with exactly the CreateAsset parameters, then harvested", async () => {
    const mediaPackage = twoConfigs();
    const run = await runWorkflow(SEED_INPUT, { mediaPackage, copies });
    expect(run.error).toBeUndefined();
    expect(run.output).toEqual({ assetId: "asset-1", results: [COMPLETE_HLS, COMPLETE_DASH] });
    expect(callsTo(run, "DescribeAsset")).toEqual([{ Id: "asset-1" }]);
    expect(callsTo(run, "CreateAsset")).toEqual([
      {
        Id: "asset-1",
        PackagingGroupId: "pg-1",
        SourceArn: "arn:aws:s3:::source-bucket/path/index.m3u8",
        SourceRoleArn: `arn:aws:iam::${ACCOUNT}:role/MediaPackage_Default_Role`,
        Tags: { "vod-harvest:created-by": "vod-harvest" },
      },
    ]);
    expect(mediaPackage.assets.has("asset-1")).toBe(true);
    expect(run.notifications.map((n) => `${n.Type} ${n.Event}`)).toEqual([
      "NOTIFICATION HarvestStarted",
      expect.stringMatching(/^NOTIFICATION EndpointComplete$/),
      expect.stringMatching(/^NOTIFICATION EndpointComplete$/),
      "NOTIFICATION HarvestFinished",
    ]);
    expect(run.notifications[0]).toEqual({
      Type: "NOTIFICATION",
      Event: "HarvestStarted",
      Execution: `arn:aws:states:us-east-1:${ACCOUNT}:execution:vod-harvest:test-run`,
      AssetId: "asset-1",
      Mode: "mediapackage",
      Destination: "s3://dest-bucket/vod-downloads/asset-1/",
    });
    expect(run.attributes[0]).toEqual({
      Type: { DataType: "String", StringValue: "NOTIFICATION" },
      Event: { DataType: "String", StringValue: "HarvestStarted" },
    });
  });

  test("an existing asset is reused: no CreateAsset", async () => {
    const mediaPackage = twoConfigs();
    mediaPackage.assets.set("asset-1", {
      Id: "asset-1",
      PackagingGroupId: "pg-1",
      SourceArn: "arn:aws:s3:::source-bucket/path/index.m3u8",
      SourceRoleArn: `arn:aws:iam::${ACCOUNT}:role/MediaPackage_Default_Role`,
    });
    const run = await runWorkflow(SEED_INPUT, { mediaPackage, copies });
    expect(run.output).toEqual({ assetId: "asset-1", results: [COMPLETE_HLS, COMPLETE_DASH] });
    expect(callsTo(run, "CreateAsset")).toEqual([]);
  });

  test("an existing asset in another packaging group is refused with InvalidRequest", async () => {
    const mediaPackage = new FakeMediaPackage({ "pg-1": { configs: ["hls"] }, "pg-2": { configs: ["hls"] } });
    mediaPackage.assets.set("asset-1", { ...SEED_INPUT.createAssetRequest, PackagingGroupId: "pg-2" });
    const run = await runWorkflow(SEED_INPUT, { mediaPackage, copies });
    expect(run.error).toEqual({
      name: "InvalidRequest",
      cause:
        "createAssetRequest.PackagingGroupId: the existing asset belongs to packaging group 'pg-2', not 'pg-1'",
    });
    expect(callsTo(run, "Harvest")).toEqual([]);
  });

  test("MediaPackage throttling and Lambda service errors are retried", async () => {
    const mediaPackage = twoConfigs();
    mediaPackage.failNext.describeAsset = [
      namedError("MediaPackageVod.TooManyRequestsException", "slow down"),
    ];
    const run = await runWorkflow(
      { ...SEED_INPUT, options: { PackagingConfigurationIds: ["hls"] } },
      {
        mediaPackage,
        copies,
        harvestErrors: [
          namedError("Lambda.TooManyRequestsException", "Rate exceeded"),
          namedError("Lambda.ServiceException", "oops"),
        ],
      },
    );
    expect(run.output).toEqual({ assetId: "asset-1", results: [COMPLETE_HLS] });
    expect(callsTo(run, "DescribeAsset")).toHaveLength(2);
    expect(callsTo(run, "Harvest")).toHaveLength(3);
  });

  test.each([
    ["States.Timeout", "Task timed out"],
    ["Sandbox.Timedout", "Task timed out after 900.00 seconds"],
    ["Lambda.Unknown", "The cause could not be determined because Lambda did not return an error type."],
  ])(
    "a harvest invocation that times out or dies (%s) is run again: it is resumable",
    async (name, message) => {
      const run = await runWorkflow(
        { ...SEED_INPUT, options: { PackagingConfigurationIds: ["hls"] } },
        { mediaPackage: twoConfigs(), copies, harvestErrors: [namedError(name, message)] },
      );
      expect(run.output).toEqual({ assetId: "asset-1", results: [COMPLETE_HLS] });
      expect(callsTo(run, "Harvest")).toHaveLength(2);
    },
  );

  test("a CreateAsset failure fails the execution with its error, after an ERROR notification", async () => {
    const mediaPackage = twoConfigs();
    mediaPackage.failNext.createAsset = [
      namedError("MediaPackageVod.ForbiddenException", "not allowed to pass role"),
    ];
    const run = await runWorkflow(SEED_INPUT, { mediaPackage, copies });
    expect(run.error).toEqual({
      name: "MediaPackageVod.ForbiddenException",
      cause: "not allowed to pass role",
    });
    expect(run.notifications.at(-1)).toEqual({
      Type: "ERROR",
      Event: "HarvestFailed",
      Execution: `arn:aws:states:us-east-1:${ACCOUNT}:execution:vod-harvest:test-run`,
      AssetId: "asset-1",
      Error: "MediaPackageVod.ForbiddenException",
      Cause: "not allowed to pass role",
    });
  });
});

describe("per endpoint", () => {
  test("the asset is polled with backoff (1, 2, 3, 3 s, capped) until its endpoint is PLAYABLE", async () => {
    const mediaPackage = new FakeMediaPackage({ "pg-1": { configs: ["hls"] } });
    mediaPackage.statusScripts = { hls: ["QUEUED", "QUEUED", "PROCESSING", "PROCESSING", "PLAYABLE"] };
    const run = await runWorkflow(SEED_INPUT, { mediaPackage, copies });
    expect(run.output).toEqual({ assetId: "asset-1", results: [COMPLETE_HLS] });
    expect(callsTo(run, "PollAsset")).toHaveLength(4);
    const waits = run.events
      .filter((e) => isStateEntered(e, "WaitForPlayable"))
      .map(
        (e) => (e as { state: { input: { poll: { waitSeconds: number } } } }).state.input.poll.waitSeconds,
      );
    expect(waits).toEqual([1, 2, 3, 3]);
    // The harvest starts only once the endpoint is PLAYABLE.
    const order = run.calls.map((c) => c.state).filter((s) => s === "PollAsset" || s === "Harvest");
    expect(order.at(-1)).toBe("Harvest");
  });

  test("an endpoint reported FAILED is a FAILED result and an ERROR notification; the other one completes", async () => {
    const mediaPackage = twoConfigs();
    mediaPackage.statusScripts = { dash: ["FAILED"] };
    const run = await runWorkflow(SEED_INPUT, { mediaPackage, copies });
    expect(run.output).toEqual({
      assetId: "asset-1",
      results: [
        COMPLETE_HLS,
        { packagingConfigurationId: "dash", status: "FAILED", entry: null, objects: 0, bytes: 0 },
      ],
    });
    expect(callsTo(run, "Harvest")).toEqual([expect.objectContaining({ packagingConfigurationId: "hls" })]);
    const failed = run.notifications.find((n) => n.Event === "EndpointFailed");
    expect(failed).toEqual({
      Type: "ERROR",
      Event: "EndpointFailed",
      Execution: `arn:aws:states:us-east-1:${ACCOUNT}:execution:vod-harvest:test-run`,
      AssetId: "asset-1",
      PackagingConfigurationId: "dash",
      Error: "EndpointFailed",
      Cause:
        "MediaPackage reports the egress endpoint of packaging configuration dash of asset asset-1 as FAILED",
    });
    expect(run.notifications.at(-1)).toMatchObject({ Type: "ERROR", Event: "HarvestFinished" });
  });

  test("an endpoint never PLAYABLE fails after poll.maxAttempts (6) descriptions of the asset", async () => {
    const mediaPackage = new FakeMediaPackage({ "pg-1": { configs: ["hls"] } });
    mediaPackage.statusScripts = { hls: ["PROCESSING"] };
    const run = await runWorkflow(SEED_INPUT, { mediaPackage, copies });
    expect(run.output).toEqual({
      assetId: "asset-1",
      results: [{ packagingConfigurationId: "hls", status: "FAILED", entry: null, objects: 0, bytes: 0 }],
    });
    expect(callsTo(run, "DescribeAsset")).toHaveLength(1);
    expect(callsTo(run, "PollAsset")).toHaveLength(5);
    expect(run.notifications.find((n) => n.Event === "EndpointFailed")).toMatchObject({
      Error: "EndpointNotPlayable",
      Cause:
        "The egress endpoint of packaging configuration hls of asset asset-1 is not PLAYABLE after 6 polls",
    });
  });

  const record = { entry: "s3://dest-bucket/vod-downloads/asset-1/hls/index.m3u8", objects: 7, bytes: 70 };
  test.each([
    { overwrite: undefined, status: "SKIPPED", harvests: 0, objects: 7 },
    { overwrite: false, status: "SKIPPED", harvests: 0, objects: 7 },
    { overwrite: true, status: "COMPLETE", harvests: 1, objects: 120 },
  ])(
    "completion record present, Overwrite $overwrite → $status",
    async ({ overwrite, status, harvests, objects }) => {
      const mediaPackage = new FakeMediaPackage({ "pg-1": { configs: ["hls"] } });
      const options = overwrite === undefined ? {} : { options: { Overwrite: overwrite } };
      const run = await runWorkflow(
        { ...SEED_INPUT, ...options },
        { mediaPackage, copies, records: { hls: record } },
      );
      expect(run.output).toEqual({
        assetId: "asset-1",
        results: [{ ...COMPLETE_HLS, status, objects, bytes: status === "SKIPPED" ? 70 : 9_000 }],
      });
      expect(callsTo(run, "Harvest")).toHaveLength(harvests);
      expect(callsTo(run, "CheckCompletion")).toEqual([
        {
          assetId: "asset-1",
          packagingConfigurationId: "hls",
          destination: { bucket: "dest-bucket", prefix: "vod-downloads/asset-1/hls/" },
        },
      ]);
      if (status === "SKIPPED") {
        expect(run.notifications.find((n) => n.Event === "EndpointSkipped")).toMatchObject({
          PackagingConfigurationId: "hls",
          Entry: record.entry,
          Objects: 7,
          Bytes: 70,
        });
      }
    },
  );

  test("a harvest spanning three invocations passes its cursor along and reports progress twice", async () => {
    const mediaPackage = new FakeMediaPackage({ "pg-1": { configs: ["hls"] } });
    const run = await runWorkflow(SEED_INPUT, {
      mediaPackage,
      copies: { hls: { invocations: 3, objects: 300, bytes: 3_000_000 } },
    });
    expect(run.output).toEqual({
      assetId: "asset-1",
      results: [{ ...COMPLETE_HLS, objects: 300, bytes: 3_000_000 }],
    });
    const planKey = "_vod-harvest-state/asset-1/hls/run.json";
    expect(callsTo(run, "Harvest").map((input) => (input as { cursor: unknown }).cursor)).toEqual([
      null,
      { planKey, invocations: 1 },
      { planKey, invocations: 2 },
    ]);
    expect(callsTo(run, "Harvest")[0]).toEqual({
      assetId: "asset-1",
      packagingConfigurationId: "hls",
      entryUrl: "https://egress.test/out/v1/pg-1/hls/asset-1/index.m3u8",
      destination: { bucket: "dest-bucket", prefix: "vod-downloads/asset-1/hls/" },
      overwrite: false,
      cdnIdentifierSecretArn: null,
      cursor: null,
    });
    expect(callsTo(run, "Finalize")).toEqual([
      {
        assetId: "asset-1",
        packagingConfigurationId: "hls",
        destination: { bucket: "dest-bucket", prefix: "vod-downloads/asset-1/hls/" },
        cursor: { planKey, invocations: 3 },
      },
    ]);
    const progress = run.notifications.filter((n) => n.Event === "HarvestProgress");
    expect(progress).toEqual([
      expect.objectContaining({ ObjectsDone: 100, ObjectsTotal: 300, BytesDone: 1_000_000 }),
      expect.objectContaining({ ObjectsDone: 200, ObjectsTotal: 300, BytesDone: 2_000_000 }),
    ]);
  });

  test("a harvest failing for good after progress is FAILED with the counts reached", async () => {
    const mediaPackage = new FakeMediaPackage({ "pg-1": { configs: ["hls"] } });
    const failAt = {
      invocation: 2,
      error: namedError("HarvestFailed", "3 objects failed: a.ts, b.ts, c.ts"),
    };
    const run = await runWorkflow(SEED_INPUT, {
      mediaPackage,
      copies: { hls: { invocations: 4, objects: 400, bytes: 4_000, failAt } },
    });
    expect(run.output).toEqual({
      assetId: "asset-1",
      results: [
        { packagingConfigurationId: "hls", status: "FAILED", entry: null, objects: 100, bytes: 1_000 },
      ],
    });
    expect(run.notifications.find((n) => n.Event === "EndpointFailed")).toMatchObject({
      Error: "HarvestFailed",
      Cause: "3 objects failed: a.ts, b.ts, c.ts",
    });
    expect(callsTo(run, "Finalize")).toEqual([]);
  });

  test("PackagingConfigurationIds limits the harvest to those endpoints", async () => {
    const run = await runWorkflow(
      { ...SEED_INPUT, options: { PackagingConfigurationIds: ["dash"] } },
      { mediaPackage: twoConfigs(), copies },
    );
    expect(run.output).toEqual({ assetId: "asset-1", results: [COMPLETE_DASH] });
  });

  test("an unknown PackagingConfigurationId fails with InvalidRequest naming the option", async () => {
    const run = await runWorkflow(
      { ...SEED_INPUT, options: { PackagingConfigurationIds: ["hls", "mss"] } },
      { mediaPackage: twoConfigs(), copies },
    );
    expect(run.error).toEqual({
      name: "InvalidRequest",
      cause: "options.PackagingConfigurationIds: the asset has no endpoint for 'mss' (it has: hls, dash)",
    });
  });
});

describe("CDN authorization", () => {
  const secretArn = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:cdn-auth-AbCdEf`;
  test.each([
    { name: "with Authorization", cdnSecretArn: secretArn, expected: secretArn },
    { name: "without Authorization", cdnSecretArn: undefined, expected: null },
  ])("$name: the harvest Lambda gets the secret's ARN or null", async ({ cdnSecretArn, expected }) => {
    const group = cdnSecretArn ? { configs: ["hls"], cdnSecretArn } : { configs: ["hls"] };
    const mediaPackage = new FakeMediaPackage({ "pg-1": group });
    const run = await runWorkflow(SEED_INPUT, { mediaPackage, copies });
    expect(run.output).toEqual({ assetId: "asset-1", results: [COMPLETE_HLS] });
    expect(callsTo(run, "Harvest")).toEqual([expect.objectContaining({ cdnIdentifierSecretArn: expected })]);
  });

  test("nothing but the ARN travels: no state, call or notification holds a secret value field", async () => {
    const mediaPackage = new FakeMediaPackage({ "pg-1": { configs: ["hls"], cdnSecretArn: secretArn } });
    const run = await runWorkflow(SEED_INPUT, { mediaPackage, copies });
    const everything = JSON.stringify([run.calls, run.notifications, run.events, run.output]);
    expect(everything).toContain(secretArn);
    expect(everything).not.toMatch(/MediaPackageCDNIdentifier|SecretString|CDNIdentifier"\s*:/);
    expect(run.calls.map((c) => c.state)).not.toContain("GetSecretValue");
  });
});

describe("direct mode", () => {
  test("sources are harvested without MediaPackage, filtered by PackagingConfigurationIds", async () => {
    const input = {
      harvestRequest: {
        Id: "show-7",
        Sources: [
          { Name: "hls", Url: "https://origin.test/show-7/hls/index.m3u8" },
          { Name: "dash", Url: "https://origin.test/show-7/dash/index.mpd" },
        ],
        DestinationBucket: "dest-bucket",
        DestinationPath: "direct",
      },
      options: { PackagingConfigurationIds: ["hls"] },
    };
    const run = await runWorkflow(input, { copies });
    expect(run.output).toEqual({
      assetId: "show-7",
      results: [
        {
          packagingConfigurationId: "hls",
          status: "COMPLETE",
          entry: "s3://dest-bucket/direct/show-7/hls/index.m3u8",
          objects: 120,
          bytes: 9_000,
        },
      ],
    });
    const states = new Set(run.calls.map((c) => c.state));
    for (const mediaPackageState of ["DescribeAsset", "CreateAsset", "DescribePackagingGroup", "PollAsset"]) {
      expect(states.has(mediaPackageState)).toBe(false);
    }
    expect(callsTo(run, "Harvest")).toEqual([
      expect.objectContaining({
        entryUrl: "https://origin.test/show-7/hls/index.m3u8",
        cdnIdentifierSecretArn: null,
      }),
    ]);
    expect(run.notifications[0]).toMatchObject({
      Mode: "direct",
      Destination: "s3://dest-bucket/direct/show-7/",
    });
  });
});

describe("bad input", () => {
  test.each([
    { input: {}, cause: "createAssetRequest: is required (or harvestRequest for the direct mode)" },
    { input: [1, 2], cause: "input: must be a JSON object" },
    {
      input: {
        createAssetRequest: { ...SEED_INPUT.createAssetRequest, SourceArn: "s3://source-bucket/x.m3u8" },
      },
      cause: expect.stringMatching(/^createAssetRequest\.SourceArn: must be an S3 object ARN/),
    },
    {
      input: { createAssetRequest: { ...SEED_INPUT.createAssetRequest, Id: undefined } },
      cause: "createAssetRequest.Id: is required",
    },
    {
      input: { ...SEED_INPUT, options: { overwrite: true } },
      cause: "options.overwrite: is not a known field",
    },
  ])("$cause", async ({ input, cause }) => {
    const run = await runWorkflow(input, { mediaPackage: twoConfigs(), copies });
    expect(run.error).toEqual({ name: "InvalidRequest", cause });
    expect(run.calls.map((c) => c.state)).toEqual(["Prepare", "NotifyInputRejected"]);
    expect(run.notifications).toEqual([
      {
        Type: "ERROR",
        Event: "HarvestFailed",
        Execution: `arn:aws:states:us-east-1:${ACCOUNT}:execution:vod-harvest:test-run`,
        Error: "InvalidRequest",
        Cause: cause,
      },
    ]);
  });
});

describe("after the endpoints", () => {
  test.each([
    { failedDash: false, deletes: 1 },
    { failedDash: true, deletes: 0 },
  ])(
    "DeleteAssetAfterHarvest deletes the asset unless an endpoint FAILED ($failedDash)",
    async ({ failedDash, deletes }) => {
      const mediaPackage = twoConfigs();
      if (failedDash) mediaPackage.statusScripts = { dash: ["FAILED"] };
      const run = await runWorkflow(
        { ...SEED_INPUT, options: { DeleteAssetAfterHarvest: true } },
        { mediaPackage, copies },
      );
      expect(run.error).toBeUndefined();
      expect(callsTo(run, "DeleteAsset")).toEqual(deletes ? [{ Id: "asset-1" }] : []);
      expect(mediaPackage.assets.has("asset-1")).toBe(deletes === 0);
    },
  );

  test("state data stays small whatever the asset's size", async () => {
    const sizes: number[] = [];
    for (const objects of [10, 5_000_000]) {
      const run = await runWorkflow(SEED_INPUT, {
        mediaPackage: twoConfigs(),
        copies: {
          hls: { invocations: 3, objects, bytes: objects * 1e6 },
          dash: { invocations: 2, objects, bytes: 1 },
        },
      });
      expect(run.error).toBeUndefined();
      sizes.push(Math.max(...run.events.map((e) => JSON.stringify(e).length)));
    }
    // Only counts change, so the largest event grows by a few digits at most, and stays far below 256 KB.
    expect(Math.abs((sizes[1] ?? 0) - (sizes[0] ?? 0))).toBeLessThan(200);
    expect(Math.max(...sizes)).toBeLessThan(16_384);
  });
});

function isStateEntered(event: unknown, name: string): boolean {
  const e = event as { type?: string; state?: { name?: string } };
  return e.type === "StateEntered" && e.state?.name === name;
}
