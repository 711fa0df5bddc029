/**
 * Standalone test origin for manual runs and benchmarks:
 *   tsx src/test-origin/cli.ts --root DIR [--port N] [--require-header "Name: value"]… [--synthetic /big.bin=2g]…
 * Prints its URL on stdout, logs nothing else there, stops on SIGINT/SIGTERM.
 */
import { parseArgs } from "node:util";
import { startTestOrigin } from "./server.js";
import { syntheticFile } from "./synthetic.js";
import type { GeneratedFile } from "./types.js";

const USAGE = `usage: tsx src/test-origin/cli.ts [--root DIR] [--port N] [--require-header "Name: value"]...
       [--synthetic /path=SIZE]...   SIZE in bytes, or with a k/m/g suffix (binary units)
       [--seed N]                    seed of the synthetic files`;

const UNITS: Record<string, number> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

function parseSize(text: string): number | undefined {
  const match = /^(\d+)([kmg]?)$/i.exec(text);
  const unit = UNITS[match?.[2]?.toLowerCase() ?? ""];
  return match && unit !== undefined ? Number(match[1]) * unit : undefined;
}

function usageError(message: string): void {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exitCode = 2;
}

async function main(): Promise<void> {
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse().values;
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = Number(values.port ?? "0");
  const seed = Number(values.seed ?? "1");
  const requireHeaders: Record<string, string> = {};
  for (const header of values["require-header"] ?? []) {
    const colon = header.indexOf(":");
    if (colon <= 0)
      return usageError(`bad --require-header ${JSON.stringify(header)}: expected "Name: value"`);
    requireHeaders[header.slice(0, colon).trim()] = header.slice(colon + 1).trim();
  }
  const files = new Map<string, GeneratedFile>();
  for (const spec of values.synthetic ?? []) {
    const [path, sizeText = ""] = spec.split("=");
    const size = parseSize(sizeText);
    if (!path || size === undefined)
      return usageError(`bad --synthetic ${JSON.stringify(spec)}: expected /path=SIZE`);
    files.set(path, syntheticFile(size, seed));
  }
  if (values.root === undefined && files.size === 0)
    return usageError("nothing to serve: give --root or --synthetic");

  const origin = await startTestOrigin({ root: values.root, files, port, seed, requireHeaders });
  process.stdout.write(`${origin.url}\n`);
  const stop = () => {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    origin.close().catch((error: unknown) => {
      process.stderr.write(`close failed: ${String(error)}\n`);
      process.exitCode = 1;
    });
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

function parse() {
  return parseArgs({
    options: {
      root: { type: "string" },
      port: { type: "string" },
      seed: { type: "string" },
      "require-header": { type: "string", multiple: true },
      synthetic: { type: "string", multiple: true },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
    allowPositionals: false,
  });
}

main().catch((error: unknown) => {
  const code = error instanceof Error && "code" in error ? ` (${String(error.code)})` : "";
  process.stderr.write(
    `test origin failed to start${code}: ${error instanceof Error ? error.message : error}\n`,
  );
  process.exitCode = 2;
});
