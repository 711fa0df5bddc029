/** Support for the end-to-end test: running executions (SDK, AWS CLI, `vod-harvest start`) and reading results. */
import { execFile, spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import type { LocalStack } from "../src/stack/local-stack.js";
import type { ReceivedNotification } from "../src/stack/notifications.js";

const execFileAsync = promisify(execFile);
const CLI_DIR = fileURLToPath(new URL("../../cli/", import.meta.url));

export interface EndpointResult {
  readonly packagingConfigurationId: string;
  readonly status: string;
  readonly entry: string | null;
  readonly objects: number;
  readonly bytes: number;
}

export interface Finished {
  readonly executionArn: string;
  readonly description: DescribeExecutionCommandOutput;
  readonly results: readonly EndpointResult[];
}

export function awsCliAvailable(): boolean {
  return spawnSync("aws", ["--version"], { stdio: "ignore" }).status === 0;
}

export function resultsOf(output: string | undefined): EndpointResult[] {
  return (JSON.parse(output ?? "{}") as { results?: EndpointResult[] }).results ?? [];
}

export const statusByConfig = (results: readonly EndpointResult[]) =>
  Object.fromEntries(results.map((result) => [result.packagingConfigurationId, result.status]));

/** Starts an execution with the real SFN client against the local API server and polls until it ends. */
export async function runWithSdk(stack: LocalStack, input: unknown, name: string): Promise<Finished> {
  const { executionArn } = await stack.clients.sfn.send(
    new StartExecutionCommand({ stateMachineArn: stack.stateMachineArn, input: JSON.stringify(input), name }),
  );
  const arn = executionArn as string;
  for (;;) {
    const description = await stack.clients.sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
    if (description.status !== "RUNNING")
      return { executionArn: arn, description, results: resultsOf(description.output) };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** `aws stepfunctions <command> --endpoint-url … <args>` with the stack's dummy credentials; parsed JSON out. */
export async function awsStepFunctions(
  stack: LocalStack,
  command: string,
  args: readonly string[],
): Promise<Record<string, unknown>> {
  const { stdout } = await execFileAsync(
    "aws",
    ["stepfunctions", command, "--endpoint-url", stack.sfnEndpoint, ...args, "--output", "json"],
    {
      env: { ...process.env, ...stack.env, AWS_PAGER: "" },
    },
  );
  return JSON.parse(stdout) as Record<string, unknown>;
}

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `vod-harvest start …` as a process (the command a user types), against the local stack's API. */
export function runStartCommand(stack: LocalStack, args: readonly string[]): Promise<CliRun> {
  return runCliCommand(stack, ["start", ...args]);
}

/** Runs `vod-harvest <args>` as a process against the local stack (its S3 is moto). */
export function runCliCommand(stack: LocalStack, args: readonly string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts", ...args], {
      cwd: CLI_DIR,
      env: { ...process.env, ...stack.env, AWS_ENDPOINT_URL_S3: stack.motoEndpoint },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The notifications of one execution (by its `Execution` field), in arrival order. */
export function notificationsOf(stack: LocalStack, executionArn: string): Array<Record<string, unknown>> {
  return stack.notifications
    .received()
    .map((notification: ReceivedNotification) => notification.message)
    .filter(
      (message): message is Record<string, unknown> =>
        typeof message === "object" && message.Execution === executionArn,
    );
}

/** Waits until the execution's HarvestFinished or HarvestFailed notification has come through SQS. */
export async function lastNotificationOf(stack: LocalStack, executionArn: string): Promise<void> {
  await stack.notifications.waitFor(
    (notification) =>
      typeof notification.message === "object" &&
      notification.message.Execution === executionArn &&
      (notification.message.Event === "HarvestFinished" || notification.message.Event === "HarvestFailed"),
    10_000,
  );
}
