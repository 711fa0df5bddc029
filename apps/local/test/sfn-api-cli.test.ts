/**
 * The local Step Functions API driven by the real AWS CLI (`aws stepfunctions … --endpoint-url`): what users script
 * around executions — list and describe the state machine, start, stop, describe, history. The state machine is
 * the real definition; its first Lambda (Prepare) is a stub that waits to be released, so an execution stays
 * RUNNING until the test stops it. No moto, no ffmpeg.
 */
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import type { LocalLambdas } from "@vod-harvest/handlers/local";
import { buildStateMachine, type LambdaName } from "@vod-harvest/workflow";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type SfnApiServer, startSfnApiServer } from "../src/index.js";
import { LocalExecutions } from "../src/stack/executions.js";
import { LocalStateMachines } from "../src/stack/state-machines.js";

const run = promisify(execFile);
/** AWS CLI v1 prints timestamps as epoch seconds, v2 as ISO text. */
const TIMESTAMP = expect.anything();
const REGION = "us-east-1";
const ACCOUNT = "000000000000";
const MACHINE = "vod-harvest-cli-test";
const STATE_MACHINE_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${MACHINE}`;
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/vod-harvest-local-state-machine`;
const LAMBDA_ARNS = Object.fromEntries(
  (["prepare", "resolve-endpoints", "check", "harvest", "finalize"] as const).map((name) => [
    name,
    `arn:aws:lambda:${REGION}:${ACCOUNT}:function:vod-harvest-${name}`,
  ]),
) as Record<LambdaName, string>;

function awsCliAvailable(): boolean {
  try {
    execFileSync("aws", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function skipWithoutAwsCli(): boolean {
  if (awsCliAvailable()) return false;
  if (process.env.CI === "true")
    throw new Error("the AWS CLI is missing although CI=true: .ci/run installs it");
  console.warn(
    "\n*** SKIPPED: the AWS CLI (`aws`) is not installed; the local Step Functions API CLI test did not run ***\n",
  );
  return true;
}

describe.skipIf(skipWithoutAwsCli())("the local Step Functions API, driven by the AWS CLI", () => {
  let server: SfnApiServer;
  let executions: LocalExecutions;
  const releases: Array<() => void> = [];

  const aws = async (...args: string[]) => {
    const { stdout } = await run(
      "aws",
      ["stepfunctions", ...args, "--endpoint-url", server.endpoint, "--output", "json"],
      {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          AWS_ACCESS_KEY_ID: "testing",
          AWS_SECRET_ACCESS_KEY: "testing",
          AWS_DEFAULT_REGION: REGION,
        },
      },
    );
    return JSON.parse(stdout) as Record<string, unknown>;
  };

  beforeAll(async () => {
    const unexpected = (what: string) => async () => {
      throw new Error(`${what} is not reached in this test`);
    };
    const lambdas = {
      // Held until released: the execution stays RUNNING meanwhile.
      prepare: () =>
        new Promise<never>((_resolve, reject) => releases.push(() => reject(new Error("released")))),
      "resolve-endpoints": unexpected("resolve-endpoints"),
      check: unexpected("check"),
      harvest: unexpected("harvest"),
      finalize: unexpected("finalize"),
    } as unknown as LocalLambdas;
    executions = new LocalExecutions({
      setup: {
        definition: buildStateMachine({
          lambdaArns: LAMBDA_ARNS,
          topicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:t`,
        }),
        lambdaArns: LAMBDA_ARNS,
        lambdas,
        mediaPackage: {
          describeAsset: unexpected("describeAsset"),
          createAsset: unexpected("createAsset"),
          deleteAsset: unexpected("deleteAsset"),
          describePackagingGroup: unexpected("describePackagingGroup"),
        },
        sns: { publish: async () => ({ MessageId: "1" }) },
      },
      stateMachineArn: STATE_MACHINE_ARN,
      region: REGION,
      executionArnPrefix: `arn:aws:states:${REGION}:${ACCOUNT}:execution:${MACHINE}:`,
      roleArn: ROLE_ARN,
    });
    server = await startSfnApiServer({ machines: new LocalStateMachines([executions]) });
  });

  afterAll(async () => {
    for (const release of releases) release();
    await executions?.allSettled();
    await server?.stop();
  });

  test("list-state-machines and describe-state-machine show the one state machine and its definition", async () => {
    const listed = await aws("list-state-machines");
    expect(listed.stateMachines).toEqual([
      { stateMachineArn: STATE_MACHINE_ARN, name: MACHINE, type: "STANDARD", creationDate: TIMESTAMP },
    ]);
    const described = await aws("describe-state-machine", "--state-machine-arn", STATE_MACHINE_ARN);
    expect(described).toMatchObject({
      stateMachineArn: STATE_MACHINE_ARN,
      name: MACHINE,
      status: "ACTIVE",
      roleArn: ROLE_ARN,
    });
    expect(JSON.parse(described.definition as string)).toMatchObject({ StartAt: "Prepare" });
    await expect(
      aws("describe-state-machine", "--state-machine-arn", `${STATE_MACHINE_ARN}-other`),
    ).rejects.toThrow(/StateMachineDoesNotExist/);
  });

  test("stop-execution ends a RUNNING execution ABORTED with its error and cause; the history says so", async () => {
    const started = await aws(
      "start-execution",
      "--state-machine-arn",
      STATE_MACHINE_ARN,
      "--name",
      "to-stop",
      "--input",
      "{}",
    );
    const executionArn = started.executionArn as string;
    expect((await aws("describe-execution", "--execution-arn", executionArn)).status).toBe("RUNNING");

    const forExecution = await aws("describe-state-machine-for-execution", "--execution-arn", executionArn);
    expect(forExecution).toMatchObject({ stateMachineArn: STATE_MACHINE_ARN, name: MACHINE });
    expect(JSON.parse(forExecution.definition as string)).toMatchObject({ StartAt: "Prepare" });

    const stopped = await aws(
      "stop-execution",
      "--execution-arn",
      executionArn,
      "--error",
      "Operator",
      "--cause",
      "not needed",
    );
    expect(stopped.stopDate).toEqual(TIMESTAMP);
    expect(await aws("describe-execution", "--execution-arn", executionArn)).toMatchObject({
      status: "ABORTED",
      error: "Operator",
      cause: "not needed",
      stopDate: TIMESTAMP,
    });
    await executions.settled(executionArn);
    // The held Prepare ends after the stop: nothing more is recorded.
    for (const release of releases.splice(0)) release();
    await new Promise((resolve) => setImmediate(resolve));
    const history = await aws("get-execution-history", "--execution-arn", executionArn);
    const types = (history.events as Array<{ type: string }>).map((event) => event.type);
    expect(types[0]).toBe("ExecutionStarted");
    expect(types.at(-1)).toBe("ExecutionAborted");
    const listed = await aws(
      "list-executions",
      "--state-machine-arn",
      STATE_MACHINE_ARN,
      "--status-filter",
      "ABORTED",
    );
    expect((listed.executions as Array<{ name: string }>).map((item) => item.name)).toEqual(["to-stop"]);
    await expect(aws("stop-execution", "--execution-arn", `${executionArn}-nope`)).rejects.toThrow(
      /ExecutionDoesNotExist/,
    );
  });
});
