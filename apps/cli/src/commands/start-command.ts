/** The `start` command's options and help, registered on the program by cli.ts. */
import type { Command } from "commander";
import { parsePositiveNumberOption } from "../options.js";
import type { ProgramContext } from "../program-context.js";

const START_EXAMPLES = `
Starts an execution of a deployed vod-harvest state machine with the input the AWS CLI would take
(JSON text or file://path). With --follow it shows the endpoints, objects and bytes as they are copied, then
prints the execution output (DESIGN.md) on stdout and a table on stderr. Exit 0 when the execution SUCCEEDED
with every result COMPLETE or SKIPPED, 1 otherwise, 2 for bad usage or input rejected by Step Functions.
Credentials and region: the standard AWS chain (the region defaults to the state machine's).

A catalogue (every asset of a packaging group, or an item list in S3) runs on the catalogue state machine:
--catalog follows it as one progress bar over assets and ends with its summary (exit 1 if an asset failed).

Examples:
  $ vod-harvest start --state-machine-arn arn:aws:states:eu-west-1:111122223333:stateMachine:vod-harvest \\
      --input file://asset-1.json --follow
  $ vod-harvest start --catalog --follow \\
      --state-machine-arn arn:aws:states:eu-west-1:111122223333:stateMachine:vod-harvest-catalog \\
      --input '{"catalogRequest": {"Source": {"PackagingGroupId": "pg-1"}, "DestinationBucket": "dest"}}'
  $ vod-harvest start --state-machine-arn arn:aws:states:us-east-1:000000000000:stateMachine:vod-harvest-local \\
      --endpoint-url http://127.0.0.1:4010 --input '{"createAssetRequest": {…}}' --name asset-1 --follow`;

interface RawStartOptions {
  stateMachineArn: string;
  input: string;
  endpointUrl?: string;
  name?: string;
  follow: boolean;
  catalog: boolean;
  pollInterval?: string;
}

export function registerStart(program: Command, { io, signal, done }: ProgramContext): void {
  program
    .command("start")
    .description("start (and with --follow, follow) an execution of a deployed state machine")
    .requiredOption("--state-machine-arn <arn>", "the state machine to run")
    .requiredOption("--input <json|file>", "execution input: JSON text, file://path or a path")
    .option("--endpoint-url <url>", "Step Functions endpoint (the local stack's, for example)")
    .option("--name <name>", "execution name (default: generated)")
    .option("--follow", "show progress until the execution ends, then its result", false)
    .option(
      "--catalog",
      "a catalogue execution (input catalogRequest): progress over assets, then a summary",
      false,
    )
    .option("--poll-interval <seconds>", "pause between two history reads while following (default 1)")
    .addHelpText("after", START_EXAMPLES)
    .action(async (options: RawStartOptions) => {
      const start = await import("./start.js");
      start.parseStateMachineArn(options.stateMachineArn);
      const input = await start.readInputArgument(options.input, io.cwd);
      start.checkInputKind(input, options.catalog);
      const args = {
        stateMachineArn: options.stateMachineArn,
        input,
        catalog: options.catalog,
        ...(options.endpointUrl !== undefined
          ? { endpointUrl: start.parseEndpointUrl(options.endpointUrl) }
          : {}),
        ...(options.name !== undefined ? { name: options.name } : {}),
        follow: options.follow,
        pollMs:
          options.pollInterval === undefined
            ? 1000
            : parsePositiveNumberOption(options.pollInterval, "--poll-interval", 3600) * 1000,
      };
      done(await start.runStart(args, io, signal));
    });
}
