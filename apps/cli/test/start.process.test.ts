/**
 * `vod-harvest start` as a process: bad usage and bad input exit 2 before any request is made. Running real
 * executions (against the local stack's Step Functions API) is tested end to end in apps/local/test/e2e.test.ts.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { readInputArgument } from "../src/commands/start.js";
import { runCli } from "./support/run-cli.js";

const ARN = "arn:aws:states:us-east-1:000000000000:stateMachine:vod-harvest-local";
// Port 9 (discard): nothing there; a test reaching the network would fail loudly instead of passing.
const NOWHERE = ["--endpoint-url", "http://127.0.0.1:9"];

describe("vod-harvest start: usage", () => {
  test.each([
    [["start", "--input", "{}"], "required option '--state-machine-arn <arn>' not specified"],
    [["start", "--state-machine-arn", ARN], "required option '--input <json|file>' not specified"],
    [
      ["start", "--state-machine-arn", "arn:aws:states:us-east-1:1:stateMachine:x", "--input", "{}"],
      "--state-machine-arn: not a state machine ARN",
    ],
    [["start", "--state-machine-arn", ARN, "--input", "{not json"], "--input is not valid JSON"],
    [
      ["start", "--state-machine-arn", ARN, "--input", "file:///no/such/input.json"],
      "--input: neither JSON nor a readable file: /no/such/input.json (ENOENT)",
    ],
    [
      ["start", "--state-machine-arn", ARN, "--input", "{}", "--endpoint-url", "ftp://x"],
      "--endpoint-url must be an http(s) URL",
    ],
    [
      ["start", "--state-machine-arn", ARN, "--input", "{}", "--poll-interval", "0", ...NOWHERE],
      "--poll-interval must be a number greater than 0",
    ],
    [
      ["start", "--state-machine-arn", ARN, "--input", "{}", "--catalog", ...NOWHERE],
      "--catalog: the input has no catalogRequest",
    ],
    [
      ["start", "--state-machine-arn", ARN, "--input", '{"catalogRequest":{}}', ...NOWHERE],
      "the input is a catalogRequest: start the catalogue state machine with --catalog",
    ],
  ])("%j exits 2: %s", async (args, message) => {
    const run = await runCli(args);
    expect(run.stderr).toContain(message);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
  });

  test("a state machine that cannot be reached is a failure (1), not bad input", async () => {
    const run = await runCli(["start", "--state-machine-arn", ARN, "--input", "{}", ...NOWHERE], {
      env: { AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing", AWS_MAX_ATTEMPTS: "1" },
    });
    expect(run.stderr).toMatch(/^error: /m);
    expect(run.code).toBe(1);
  });

  test("--help names every option and the exit codes", async () => {
    const run = await runCli(["start", "--help"]);
    expect(run.code).toBe(0);
    for (const option of [
      "--state-machine-arn",
      "--input",
      "--endpoint-url",
      "--name",
      "--follow",
      "--catalog",
    ]) {
      expect(run.stdout).toContain(option);
    }
    expect(run.stdout).toContain("Exit 0 when the execution SUCCEEDED");
  });
});

describe("readInputArgument", () => {
  test.each([
    ["JSON text", '{"a": 1}', '{"a": 1}'],
    ["a JSON string", '"x"', '"x"'],
    ["JSON with leading blanks", "  [1, 2]", "  [1, 2]"],
  ])("takes %s as it is", async (_, value, expected) => {
    expect(await readInputArgument(value, "/")).toBe(expected);
  });

  test.each([["file://"], [""]])(
    "reads a file named with prefix %j, relative to the working directory",
    async (prefix) => {
      const dir = await mkdtemp(join(tmpdir(), "start-input-"));
      await writeFile(join(dir, "input.json"), '{"createAssetRequest": {}}\n');
      expect(await readInputArgument(`${prefix}input.json`, dir)).toBe('{"createAssetRequest": {}}\n');
    },
  );
});
