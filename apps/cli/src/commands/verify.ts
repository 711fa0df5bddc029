// `verify <destination>`: checks a harvested copy against its completion record: every file there with its size
// and checksum — S3's stored CRC32C compared without downloading; a directory, an object S3 keeps no CRC32C for,
// a version 1 record (sha256) or --deep: read back. Exit 0 intact, 1 damaged, 2 no record or bad usage.
import { type CopyVerification, verifyCopy } from "@vod-harvest/harvest";
import { ExitCode, type ExitCodeValue } from "../exit-codes.js";
import type { CliIo } from "../io.js";
import type { Destination } from "../options.js";
import { formatBytes } from "../progress.js";
import { createSink } from "./copy.js";

export interface VerifyArguments {
  readonly destination: Destination;
  readonly deep: boolean;
  readonly json: boolean;
  readonly pathStyle: boolean;
}

/** The human report: one line per problem, then the verdict. */
function verifyReport(result: CopyVerification, location: string): string {
  const lines = result.problems.map(
    ({ key, problem, detail }) => `${problem.toUpperCase()} ${key}: ${detail}`,
  );
  const how = [
    result.stated > 0 ? `${result.stated} as the store keeps it` : "",
    result.readBack > 0 ? `${result.readBack} read back` : "",
  ].filter((part) => part !== "");
  const what = `sizes and ${result.algorithm} checksums${how.length > 0 ? ` (${how.join(", ")})` : ""}`;
  const size = `${result.objects} objects, ${formatBytes(result.bytes)}`;
  lines.push(
    result.status === "INTACT"
      ? `INTACT: ${size} in ${location}, ${what} as recorded`
      : `DAMAGED: ${result.problems.length} of ${result.objects} objects in ${location} differ from the record (${what} compared)`,
  );
  return `${lines.join("\n")}\n`;
}

export async function runVerify(
  args: VerifyArguments,
  io: CliIo,
  signal: AbortSignal,
): Promise<ExitCodeValue> {
  const sink = await createSink(args.destination, args.pathStyle);
  let checked = 0;
  const showProgress = io.stderrIsTTY && !args.json;
  const result = await verifyCopy(sink, {
    deep: args.deep,
    signal,
    onFile: () => {
      checked++;
      if (showProgress && checked % 50 === 0) io.err(`\rverified ${checked} objects`);
    },
  });
  if (showProgress) io.err("\r\x1b[K");
  if (args.json) {
    const { status, objects, bytes, algorithm, stated, readBack, problems } = result;
    io.out(`${JSON.stringify({ status, objects, bytes, algorithm, stated, readBack, problems })}\n`);
  } else io.out(verifyReport(result, sink.location));
  return result.status === "INTACT" ? ExitCode.Ok : ExitCode.Failed;
}
