/**
 * The demo's scenario, automated: the local stack (moto, the MediaPackage VOD emulator, the state machine with the
 * real Lambda handlers, the Step Functions API), a packaging group with CDN authorization and four configurations,
 * and executions started with `vod-harvest start`, the SDK and the AWS CLI. The copies are proven by real
 * decoders (ffprobe over moto's HTTP) and byte comparison with the emulator's origin.
 */
import { mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DescribeAssetCommand } from "@aws-sdk/client-mediapackage-vod";
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { PutSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  InvalidArn,
  InvalidExecutionInput,
  InvalidName,
  ListExecutionsCommand,
  StartExecutionCommand,
  StateMachineDoesNotExist,
} from "@aws-sdk/client-sfn";
import { clearCdnSecretCache } from "@vod-harvest/handlers";
import { motoAvailable } from "@vod-harvest/testing/moto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ffmpegAvailable } from "../src/index.js";
import { type LocalStack, startLocalStack } from "../src/stack/local-stack.js";
import {
  createDemoPackagingGroup,
  createDemoSource,
  type DemoSource,
  demoInput,
  httpUrlOfS3,
} from "../src/stack/scenario.js";
import {
  awsCliAvailable,
  awsStepFunctions,
  type EndpointResult,
  lastNotificationOf,
  notificationsOf,
  resultsOf,
  runCliCommand,
  runStartCommand,
  runWithSdk,
  statusByConfig,
} from "./e2e-support.js";
import { videoFrameCounts } from "./probe.js";

const CI = process.env.CI === "true";
const HAVE_MOTO = motoAvailable();
const HAVE_FFMPEG = ffmpegAvailable();
const HAVE_AWS_CLI = awsCliAvailable();
const CONFIGS = ["hls", "cmaf", "dash", "mss"];
const ALL = (status: string) => Object.fromEntries(CONFIGS.map((config) => [config, status]));
/** 4 s × 25 fps, as the demo source is generated (scenario.ts); each of its two renditions has them all. */
const SOURCE_FRAMES = 100;
const RECORD_KEY = "_vod-harvest-complete.json";
/** The test's output directory (git-ignored): the preview page as Chromium drew it. */
const TEST_OUTPUT = fileURLToPath(new URL("../.tmp/test-output/", import.meta.url));
const CDN_HEADER = "X-MediaPackage-CDNIdentifier";

function loudSkip(what: string, why: string): void {
  console.warn(`\n*** SKIPPED: ${why}; ${what} not run ***\n`);
}

if (!HAVE_MOTO) loudSkip("the end-to-end test", "moto not available (python3 -m moto.server)");
else if (!HAVE_FFMPEG) loudSkip("the end-to-end test", "ffmpeg not installed");
else if (!HAVE_AWS_CLI) loudSkip("the AWS CLI end-to-end case", "the aws CLI is not installed");

// The CI script installs ffmpeg: there, its absence is a broken setup, not a reason to skip.
if (CI && !HAVE_FFMPEG) {
  throw new Error("ffmpeg/ffprobe missing although CI=true: the CI script should have installed them");
}

describe.skipIf(!HAVE_MOTO || !HAVE_FFMPEG)(
  "end to end: local stack, four configurations, real players",
  () => {
    let stack: LocalStack;
    let scratch: string;
    let source: DemoSource;
    let firstResults: readonly EndpointResult[];
    const input = (overwrite = false) =>
      demoInput({
        assetId: "asset-1",
        sourceArn: source.sourceArn,
        destinationBucket: stack.destinationBucket,
        overwrite,
      });

    beforeAll(async () => {
      scratch = await mkdtemp(join(tmpdir(), "vod-harvest-e2e-"));
      // The emulator keeps a CDN identifier for 10 minutes, so rotating the secret below makes it disagree with the
      // harvester's fresh read: the "wrong CDN secret" case.
      stack = await startLocalStack({ emulatorTiming: { queuedMs: 200, secretCacheMs: 600_000 } });
      await createDemoPackagingGroup(stack);
      source = await createDemoSource(stack, join(scratch, "source"));
    }, 120_000);

    afterAll(async () => {
      await stack?.stop();
      if (scratch) await rm(scratch, { recursive: true, force: true });
    });

    test("the source has the frames it was generated with (checked by ffprobe over moto's HTTP)", async () => {
      const url = httpUrlOfS3(stack.motoEndpoint, source.sourceArn.replace(/^arn:aws:s3:::/, "s3://"));
      expect(await videoFrameCounts(url)).toEqual([SOURCE_FRAMES, SOURCE_FRAMES]);
    }, 120_000);

    test("`vod-harvest start --follow` runs the demo input: all four configurations COMPLETE", async () => {
      const inputFile = join(scratch, "input.json");
      await writeFile(inputFile, JSON.stringify(input()));
      const run = await runStartCommand(
        stack,
        [
          ["--state-machine-arn", stack.stateMachineArn, "--endpoint-url", stack.sfnEndpoint],
          ["--input", `file://${inputFile}`, "--name", "first", "--follow"],
        ].flat(),
      );
      expect(run.stderr).toContain("SUCCEEDED");
      expect(run.code).toBe(0);
      firstResults = resultsOf(run.stdout);
      expect(statusByConfig(firstResults)).toEqual(ALL("COMPLETE"));
      for (const config of CONFIGS)
        expect(run.stderr).toMatch(new RegExp(`${config}: COMPLETE, \\d+ objects`));
      for (const result of firstResults) {
        expect(result.objects).toBeGreaterThan(3);
        expect(result.entry).toMatch(
          new RegExp(
            `^s3://${stack.destinationBucket}/vod-downloads/asset-1/${result.packagingConfigurationId}/`,
          ),
        );
      }

      const executionArn = `${stack.stateMachineArn.replace(":stateMachine:", ":execution:")}:first`;
      await lastNotificationOf(stack, executionArn);
      const events = notificationsOf(stack, executionArn).map((message) =>
        `${message.Type} ${message.Event} ${message.PackagingConfigurationId ?? ""}`.trim(),
      );
      expect(events[0]).toBe("NOTIFICATION HarvestStarted");
      expect(events.at(-1)).toBe("NOTIFICATION HarvestFinished");
      expect(events.filter((event) => event.includes("EndpointComplete")).sort()).toEqual(
        CONFIGS.map((config) => `NOTIFICATION EndpointComplete ${config}`).sort(),
      );
    }, 120_000);

    test.each(["hls", "cmaf", "dash"])(
      "the %s copy, served from moto's S3, decodes every frame of both renditions",
      async (config) => {
        const result = firstResults.find((candidate) => candidate.packagingConfigurationId === config);
        expect(result?.entry).toBeTruthy();
        const counts = await videoFrameCounts(httpUrlOfS3(stack.motoEndpoint, result?.entry as string));
        expect(counts).toEqual([SOURCE_FRAMES, SOURCE_FRAMES]);
      },
      60_000,
    );

    test("the mss copy is byte-identical to the emulator's origin, file by file", async () => {
      const asset = await stack.clients.mediaPackage.send(new DescribeAssetCommand({ Id: "asset-1" }));
      const originEntry = asset.EgressEndpoints?.find(
        (endpoint) => endpoint.PackagingConfigurationId === "mss",
      )?.Url as string;
      const result = firstResults.find((candidate) => candidate.packagingConfigurationId === "mss");
      const prefix = "vod-downloads/asset-1/mss/";
      const listed = await stack.clients.s3.send(
        new ListObjectsV2Command({ Bucket: stack.destinationBucket, Prefix: prefix }),
      );
      const keys = (listed.Contents ?? [])
        .map((object) => (object.Key as string).slice(prefix.length))
        .filter((key) => key !== RECORD_KEY);
      expect(keys).toContain("Manifest");
      expect(keys.length).toBe(result?.objects);
      for (const key of keys) {
        const copy = await stack.clients.s3.send(
          new GetObjectCommand({ Bucket: stack.destinationBucket, Key: `${prefix}${key}` }),
        );
        const copied = Buffer.from(
          await (copy.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
        );
        const origin = await fetch(new URL(encodeURI(key), originEntry), {
          headers: { [CDN_HEADER]: stack.cdnIdentifier },
        });
        expect(origin.status, key).toBe(200);
        expect(copied.equals(Buffer.from(await origin.arrayBuffer())), key).toBe(true);
      }
    }, 120_000);

    test("every copy plays in headless Chromium (hls.js, dash.js), switching rendition mid-play", async () => {
      const screenshot = join(TEST_OUTPUT, "e2e-preview.png");
      await mkdir(TEST_OUTPUT, { recursive: true });
      const destination = `s3://${stack.destinationBucket}/vod-downloads/asset-1`;
      const check = await runCliCommand(stack, [
        ...["preview", destination, "--path-style", "--check", "--switch-rendition"],
        ...["--screenshot", screenshot],
      ]);
      if (check.code === 2 && check.stderr.includes("--check needs Chromium")) {
        // .ci/run installs Chromium: under CI its absence is a broken setup.
        if (CI) throw new Error(`Chromium missing although CI=true: ${check.stderr}`);
        loudSkip("browser playback of the four copies", "no Chromium (apt-get install -y chromium)");
        return;
      }
      expect(check.code, check.stdout + check.stderr).toBe(0);
      const lines = check.stdout.trim().split("\n");
      expect(lines.map((line) => line.split(" ").slice(0, 2).join(" "))).toEqual(
        [...CONFIGS].sort().map((config) => `${config} PLAYED`),
      );
      const line = (config: string) => lines.find((candidate) => candidate.startsWith(`${config} `)) ?? "";
      for (const config of CONFIGS) {
        expect(line(config)).toMatch(
          / PLAYED \d+\.\d\ds \(\d+ frames decoded, switched to \d+p .*; 2 renditions, 1 audio/,
        );
      }
      // What the emulator packages: WebVTT subtitles in HLS and CMAF, a thumbnail AdaptationSet in DASH.
      expect(line("hls")).toContain("1 subtitle tracks");
      expect(line("cmaf")).toContain("1 subtitle tracks");
      expect(line("dash")).toMatch(/, [1-9]\d* thumbnails\)$/);
      expect((await stat(screenshot)).size).toBeGreaterThan(10_000);
      console.log(`e2e preview screenshot: ${screenshot}\n${check.stdout}`);
    }, 180_000);

    test("a second execution reports SKIPPED for every configuration, with the first copy's counts", async () => {
      const second = await runWithSdk(stack, input(), "second");
      expect(second.description.status).toBe("SUCCEEDED");
      expect(statusByConfig(second.results)).toEqual(ALL("SKIPPED"));
      expect(second.results.map((result) => [result.objects, result.bytes])).toEqual(
        firstResults.map((result) => [result.objects, result.bytes]),
      );
      await lastNotificationOf(stack, second.executionArn);
      const skipped = notificationsOf(stack, second.executionArn).filter(
        (message) => message.Event === "EndpointSkipped",
      );
      expect(skipped.map((message) => message.PackagingConfigurationId).sort()).toEqual([...CONFIGS].sort());
    }, 120_000);

    test("Overwrite copies every object again", async () => {
      const prefix = "vod-downloads/asset-1/";
      // S3 LastModified has whole seconds: start the new copy in a later second than the old one ended.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const before = Math.floor(Date.now() / 1000) * 1000;
      const overwrite = await runWithSdk(stack, input(true), "overwrite");
      expect(overwrite.description.status).toBe("SUCCEEDED");
      expect(statusByConfig(overwrite.results)).toEqual(ALL("COMPLETE"));
      const listed = await stack.clients.s3.send(
        new ListObjectsV2Command({ Bucket: stack.destinationBucket, Prefix: prefix }),
      );
      const objects = listed.Contents ?? [];
      expect(objects.length).toBe(firstResults.reduce((sum, result) => sum + result.objects + 1, 0));
      const stale = objects
        .filter((object) => (object.LastModified?.getTime() ?? 0) < before)
        .map((object) => object.Key);
      expect(stale).toEqual([]);
    }, 120_000);

    test.skipIf(!HAVE_AWS_CLI)(
      "an execution started with `aws stepfunctions start-execution` SUCCEEDS",
      async () => {
        const inputFile = join(scratch, "cli-input.json");
        await writeFile(inputFile, JSON.stringify(input()));
        const started = await awsStepFunctions(
          stack,
          "start-execution",
          [
            [
              "--state-machine-arn",
              stack.stateMachineArn,
              "--input",
              `file://${inputFile}`,
              "--name",
              "from-aws-cli",
            ],
          ].flat(),
        );
        const executionArn = started.executionArn as string;
        expect(executionArn).toMatch(/:execution:vod-harvest-local:from-aws-cli$/);
        // AWS CLI v1 prints timestamps as they come over the wire: epoch seconds.
        expect(Math.abs((started.startDate as number) - Date.now() / 1000)).toBeLessThan(60);
        let described: Record<string, unknown>;
        do {
          await new Promise((resolve) => setTimeout(resolve, 500));
          described = await awsStepFunctions(stack, "describe-execution", ["--execution-arn", executionArn]);
        } while (described.status === "RUNNING");
        expect(described.status).toBe("SUCCEEDED");
        expect(statusByConfig(resultsOf(described.output as string))).toEqual(ALL("SKIPPED"));

        const history = await awsStepFunctions(stack, "get-execution-history", [
          "--execution-arn",
          executionArn,
        ]);
        const types = (history.events as Array<{ type: string }>).map((event) => event.type);
        expect(types[0]).toBe("ExecutionStarted");
        expect(types.at(-1)).toBe("ExecutionSucceeded");
        expect(types).toContain("LambdaFunctionSucceeded");
        const listed = await awsStepFunctions(stack, "list-executions", [
          "--state-machine-arn",
          stack.stateMachineArn,
        ]);
        expect((listed.executions as Array<{ name: string }>).map((execution) => execution.name)).toContain(
          "from-aws-cli",
        );
      },
      120_000,
    );

    test("the Step Functions API answers like AWS: errors, pagination, order, filters", async () => {
      const sfn = stack.clients.sfn;
      const executionArn = `${stack.stateMachineArn.replace(":stateMachine:", ":execution:")}:second`;
      const whole =
        (await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }))).events ?? [];
      expect(whole.map((event) => event.id)).toEqual(whole.map((_, index) => index + 1));
      const paged: number[] = [];
      let nextToken: string | undefined;
      do {
        const page = await sfn.send(
          new GetExecutionHistoryCommand({ executionArn, maxResults: 7, nextToken }),
        );
        expect(page.events?.length).toBeLessThanOrEqual(7);
        paged.push(...(page.events ?? []).map((event) => event.id as number));
        nextToken = page.nextToken;
      } while (nextToken);
      expect(paged).toEqual(whole.map((event) => event.id));
      const reversed = await sfn.send(
        new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 3 }),
      );
      expect(reversed.events?.map((event) => event.type)[0]).toBe("ExecutionSucceeded");
      const succeeded = await sfn.send(
        new ListExecutionsCommand({ stateMachineArn: stack.stateMachineArn, statusFilter: "SUCCEEDED" }),
      );
      expect(succeeded.executions?.map((execution) => execution.name)).toContain("second");
      expect(
        (
          await sfn.send(
            new ListExecutionsCommand({ stateMachineArn: stack.stateMachineArn, statusFilter: "ABORTED" }),
          )
        ).executions,
      ).toEqual([]);

      const otherMachine = stack.stateMachineArn.replace(/:[^:]+$/, ":other");
      await expect(
        sfn.send(new DescribeExecutionCommand({ executionArn: `${executionArn}-nope` })),
      ).rejects.toBeInstanceOf(ExecutionDoesNotExist);
      await expect(
        sfn.send(new DescribeExecutionCommand({ executionArn: "not-an-arn" })),
      ).rejects.toBeInstanceOf(InvalidArn);
      await expect(
        sfn.send(new StartExecutionCommand({ stateMachineArn: otherMachine, input: "{}" })),
      ).rejects.toBeInstanceOf(StateMachineDoesNotExist);
      await expect(
        sfn.send(new StartExecutionCommand({ stateMachineArn: stack.stateMachineArn, input: "{x" })),
      ).rejects.toBeInstanceOf(InvalidExecutionInput);
      await expect(
        sfn.send(new StartExecutionCommand({ stateMachineArn: stack.stateMachineArn, name: "bad name" })),
      ).rejects.toBeInstanceOf(InvalidName);
      await expect(
        sfn.send(
          new StartExecutionCommand({ stateMachineArn: stack.stateMachineArn, name: "second", input: "{}" }),
        ),
      ).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    }, 120_000);

    test("a wrong CDN secret ends every configuration FAILED, with a clear ERROR notification and exit 1", async () => {
      // Rotate the secret: the emulator still expects the identifier it read before; the harvester reads the new one.
      const rotated = "rotated-identifier-not-known-to-mediapackage";
      await stack.clients.secretsManager.send(
        new PutSecretValueCommand({
          SecretId: stack.cdnSecretArn,
          SecretString: JSON.stringify({ MediaPackageCDNIdentifier: rotated }),
        }),
      );
      clearCdnSecretCache();
      const run = await runStartCommand(
        stack,
        [
          ["--state-machine-arn", stack.stateMachineArn, "--endpoint-url", stack.sfnEndpoint],
          ["--input", JSON.stringify(input(true)), "--name", "wrong-secret", "--follow"],
        ].flat(),
      );
      expect(run.code).toBe(1);
      expect(statusByConfig(resultsOf(run.stdout))).toEqual(ALL("FAILED"));
      const executionArn = `${stack.stateMachineArn.replace(":stateMachine:", ":execution:")}:wrong-secret`;
      await lastNotificationOf(stack, executionArn);
      const messages = notificationsOf(stack, executionArn);
      const failed = messages.filter((message) => message.Event === "EndpointFailed");
      expect(failed.map((message) => message.PackagingConfigurationId).sort()).toEqual([...CONFIGS].sort());
      for (const message of failed) {
        expect(message.Type).toBe("ERROR");
        expect(String(message.Cause)).toMatch(/404/);
      }
      const finished = messages.find((message) => message.Event === "HarvestFinished");
      expect(finished?.Type).toBe("ERROR");
      // Neither identifier ever appears in what the workflow publishes or the command prints.
      const published = JSON.stringify(messages) + run.stdout + run.stderr;
      expect(published).not.toContain(rotated);
      expect(published).not.toContain(stack.cdnIdentifier);
    }, 120_000);
  },
);
