/**
 * The catalogue on the local stack (issue 13): a packaging group's assets harvested by one execution of the
 * catalogue state machine — a Distributed Map run locally for real (items from moto's S3, child executions of the
 * per-asset state machine, results written back) — started and followed through the Step Functions API with the
 * real SDK client, as against AWS.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import {
  DescribeExecutionCommand,
  DescribeMapRunCommand,
  GetExecutionHistoryCommand,
  ListMapRunsCommand,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { motoAvailable } from "@vod-harvest/testing/moto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ffmpegAvailable } from "../src/index.js";
import { type LocalStack, startLocalStack } from "../src/stack/local-stack.js";
import {
  catalogAssetIds,
  createDemoAssets,
  createDemoPackagingGroup,
  createDemoSource,
  type DemoSource,
  demoCatalogInput,
  SOURCE_ROLE_ARN,
  waitUntilPackaged,
} from "../src/stack/scenario.js";
import { awsCliAvailable, awsStepFunctions, runStartCommand } from "./e2e-support.js";

const HAVE_MOTO = motoAvailable();
const HAVE_AWS_CLI = awsCliAvailable();
const HAVE_FFMPEG = ffmpegAvailable();
if (!HAVE_MOTO || !HAVE_FFMPEG) {
  console.warn(
    `\n*** SKIPPED: ${HAVE_MOTO ? "ffmpeg" : "moto"} not available; the catalogue test not run ***\n`,
  );
}
if (process.env.CI === "true" && !HAVE_FFMPEG) {
  throw new Error("ffmpeg/ffprobe missing although CI=true: the CI script should have installed them");
}

interface Summary {
  assets: number;
  succeeded: number;
  failed: number;
  endpoints: Record<string, number>;
  bytes: number;
  failedAssetIds: string[];
  report: string;
}

describe.skipIf(!HAVE_MOTO || !HAVE_FFMPEG)("catalogue on the local stack", () => {
  let stack: LocalStack;
  let scratch: string;
  let source: DemoSource;
  const ids = catalogAssetIds(5);
  let firstBytes = 0;

  async function runCatalog(name: string, input: unknown) {
    const { sfn } = stack.clients;
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: stack.catalogStateMachineArn,
        name,
        input: JSON.stringify(input),
      }),
    );
    await stack.catalogExecutions.settled(executionArn as string);
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    return { executionArn: executionArn as string, described };
  }

  const summaryOf = (output: string | undefined) =>
    (JSON.parse(output ?? "{}") as { summary: Summary }).summary;

  async function textOf(bucket: string, key: string): Promise<string> {
    const answer = await stack.clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await answer.Body?.transformToString()) ?? "";
  }

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), "vod-harvest-catalog-"));
    // Pages of 2: the five assets take three ListAssets pages.
    stack = await startLocalStack({ waitMs: 50, listAssetsPageSize: 2 });
    await createDemoPackagingGroup(stack);
    source = await createDemoSource(stack, join(scratch, "source"));
    await createDemoAssets(stack, source.sourceArn, ids);
    // Packaged first, as a library is: the harvest's own wait for PLAYABLE is short on the local stack.
    await waitUntilPackaged(stack, ids);
  }, 300_000);

  afterAll(async () => {
    await stack?.machines.allSettled();
    await stack?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  test("every asset of the group (ListAssets over pages, throttled twice) harvested by one execution", async () => {
    stack.emulator.injectFault("ListAssets", "TooManyRequestsException", 2);
    const { executionArn, described } = await runCatalog(
      "whole-group",
      demoCatalogInput({ destinationBucket: stack.destinationBucket, maxConcurrency: 3 }),
    );
    expect(described.status, described.cause).toBe("SUCCEEDED");
    const summary = summaryOf(described.output);
    expect(summary).toMatchObject({ assets: 5, succeeded: 5, failed: 0, failedAssetIds: [] });
    expect(summary.endpoints).toEqual({ COMPLETE: 20, SKIPPED: 0, FAILED: 0 });
    expect(summary.bytes).toBeGreaterThan(5 * 4 * 100_000);
    firstBytes = summary.bytes;
    expect(summary.report).toMatch(
      /^s3:\/\/dest-bucket\/_vod-harvest-state\/catalog\/whole-group\/results\/.+\/manifest\.json$/,
    );

    // Each asset's copies, with their completion records, where the per-asset workflow puts them.
    for (const id of ids) {
      const listed = await stack.clients.s3.send(
        new ListObjectsV2Command({ Bucket: stack.destinationBucket, Prefix: `vod-downloads/${id}/` }),
      );
      const records = (listed.Contents ?? []).filter((object) =>
        object.Key?.endsWith("_vod-harvest-complete.json"),
      );
      expect(records, id).toHaveLength(4);
    }

    // The Map Run as DescribeMapRun reports it, found through ListMapRuns, as the CLI follows it.
    const { mapRuns } = await stack.clients.sfn.send(new ListMapRunsCommand({ executionArn }));
    expect(mapRuns).toHaveLength(1);
    expect(mapRuns?.[0]?.stateMachineArn).toBe(`${stack.catalogStateMachineArn}/HarvestCatalog`);
    const run = await stack.clients.sfn.send(
      new DescribeMapRunCommand({ mapRunArn: mapRuns?.[0]?.mapRunArn }),
    );
    expect(run.status).toBe("SUCCEEDED");
    expect(run.maxConcurrency).toBe(3);
    expect(run.itemCounts).toMatchObject({ total: 5, succeeded: 5, failed: 0, pending: 0, running: 0 });
    // One child execution of the per-asset state machine per asset.
    const children = stack.executions
      .list()
      .filter((record) => record.startDate >= (described.startDate as Date));
    expect(children.map((child) => JSON.parse(child.input).createAssetRequest.Id).sort()).toEqual(ids);
    // Named so that an email filter can leave their notifications to the catalogue's summary.
    for (const child of children) expect(child.name).toMatch(/^catalog-[0-9a-f-]{36}$/);

    // The AWS CLI reads the same Map Run: the local API answers as Step Functions does.
    if (HAVE_AWS_CLI) {
      const listed = await awsStepFunctions(stack, "list-map-runs", ["--execution-arn", executionArn]);
      const mapRunArn = (listed.mapRuns as Array<{ mapRunArn: string }>)[0]?.mapRunArn as string;
      expect(mapRunArn).toBe(mapRuns?.[0]?.mapRunArn);
      const described = await awsStepFunctions(stack, "describe-map-run", ["--map-run-arn", mapRunArn]);
      expect(described).toMatchObject({ status: "SUCCEEDED", itemCounts: { total: 5, succeeded: 5 } });
    } else
      console.warn(
        "\n*** SKIPPED: the aws CLI is not installed; list-map-runs/describe-map-run not run ***\n",
      );

    const history = await stack.clients.sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    const types = history.events?.map((event) => event.type);
    expect(types).toContain("MapRunStarted");
    expect(types).toContain("MapRunSucceeded");
  }, 300_000);

  test("a rerun of the same catalogue, started and followed by `vod-harvest start --catalog`, skips every completed asset", async () => {
    const inputFile = join(scratch, "catalog.json");
    await writeFile(
      inputFile,
      JSON.stringify(demoCatalogInput({ destinationBucket: stack.destinationBucket, maxConcurrency: 5 })),
    );
    const run = await runStartCommand(
      stack,
      [
        ["--catalog", "--follow", "--poll-interval", "0.2", "--name", "whole-group-again"],
        ["--state-machine-arn", stack.catalogStateMachineArn, "--endpoint-url", stack.sfnEndpoint],
        ["--input", `file://${inputFile}`],
      ].flat(),
    );
    expect(run.code, run.stderr).toBe(0);
    // One line whenever the counts change (stderr is not a terminal here), then the status and the summary.
    expect(run.stderr).toContain("assets 5/5, 5 harvested, 0 running");
    expect(run.stderr).toMatch(/^SUCCEEDED in /m);
    expect(run.stderr).toContain(
      "5 assets: 5 harvested, 0 failed; endpoints 0 COMPLETE, 20 SKIPPED, 0 FAILED;",
    );
    expect(run.stderr).toMatch(
      /^report: s3:\/\/dest-bucket\/_vod-harvest-state\/catalog\/whole-group-again\//m,
    );
    expect(summaryOf(run.stdout)).toMatchObject({
      assets: 5,
      succeeded: 5,
      endpoints: { COMPLETE: 0, SKIPPED: 20, FAILED: 0 },
      // The size of the copies found complete: nothing was fetched again (SKIPPED).
      bytes: firstBytes,
    });
  }, 300_000);

  test("an item list with a failing asset: within the tolerance the run succeeds, beyond it the summary still comes", async () => {
    const lines = [
      ...ids.slice(0, 3).map((id) => ({
        Id: id,
        PackagingGroupId: "pg-1",
        SourceArn: source.sourceArn,
        SourceRoleArn: SOURCE_ROLE_ARN,
      })),
      // A source that does not exist: its asset's endpoints fail, so does its child execution.
      {
        Id: "missing-source",
        PackagingGroupId: "pg-1",
        SourceArn: "arn:aws:s3:::source-bucket/none/index.m3u8",
        SourceRoleArn: SOURCE_ROLE_ARN,
      },
    ];
    await stack.clients.s3.send(
      new PutObjectCommand({
        Bucket: stack.sourceBucket,
        Key: "lists/catalog.jsonl",
        Body: lines.map((line) => JSON.stringify(line)).join("\n"),
      }),
    );
    const itemsSource = { ItemsS3Uri: `s3://${stack.sourceBucket}/lists/catalog.jsonl` };
    const within = await runCatalog(
      "list-within",
      demoCatalogInput({
        destinationBucket: stack.destinationBucket,
        source: itemsSource,
        toleratedFailurePercentage: 25,
      }),
    );
    expect(within.described.status).toBe("SUCCEEDED");
    expect(summaryOf(within.described.output)).toMatchObject({
      assets: 4,
      succeeded: 3,
      failed: 1,
      failedAssetIds: ["missing-source"],
    });

    const beyond = await runCatalog(
      "list-beyond",
      demoCatalogInput({
        destinationBucket: stack.destinationBucket,
        source: itemsSource,
        toleratedFailurePercentage: 20,
      }),
    );
    // The Map Run failed past its tolerance; the execution still summarizes and reports the failed asset.
    expect(beyond.described.status).toBe("SUCCEEDED");
    expect(summaryOf(beyond.described.output)).toMatchObject({
      assets: 4,
      failedAssetIds: expect.arrayContaining(["missing-source"]),
    });
    const { mapRuns } = await stack.clients.sfn.send(
      new ListMapRunsCommand({ executionArn: beyond.executionArn }),
    );
    const run = await stack.clients.sfn.send(
      new DescribeMapRunCommand({ mapRunArn: mapRuns?.[0]?.mapRunArn }),
    );
    expect(run.status).toBe("FAILED");
  }, 300_000);

  test("nothing of the CDN secret in any execution input, output, history or result file", async () => {
    const texts: string[] = [];
    for (const machine of stack.machines.all) {
      for (const record of machine.list()) texts.push(JSON.stringify(record));
    }
    const listed = await stack.clients.s3.send(
      new ListObjectsV2Command({ Bucket: stack.destinationBucket, Prefix: "_vod-harvest-state/catalog/" }),
    );
    const keys = (listed.Contents ?? []).map((object) => object.Key as string);
    expect(keys.some((key) => key.endsWith("SUCCEEDED_0.json"))).toBe(true);
    for (const key of keys) texts.push(await textOf(stack.destinationBucket, key));
    expect(texts.length).toBeGreaterThan(10);
    for (const text of texts) expect(text).not.toContain(stack.cdnIdentifier);
  }, 60_000);
});
