// `preview <destination>`: serves the harvested copies under a directory or S3 prefix with a page that plays each
// one (until Ctrl-C), or with --check plays them all in headless Chromium and reports each (exit 1 on a failure).
import { ExitCode, type ExitCodeValue, UsageError } from "../exit-codes.js";
import type { CliIo } from "../io.js";
import type { Destination } from "../options.js";
import { loadCatalog } from "../preview/catalog.js";
import { checkPlayback, findChromium, resultLine } from "../preview/check.js";
import { startPreviewServer } from "../preview/server.js";
import { createSink } from "./copy.js";

export interface PreviewArguments {
  readonly destination: Destination;
  readonly port: number;
  readonly pathStyle: boolean;
  readonly check: boolean;
  readonly switchRendition: boolean;
  readonly screenshot?: string;
}

export async function runPreview(
  args: PreviewArguments,
  io: CliIo,
  signal: AbortSignal,
): Promise<ExitCodeValue> {
  const executablePath = args.check ? findChromium() : undefined;
  if (args.check && executablePath === undefined) {
    throw new UsageError(
      "--check needs Chromium: install it (apt-get install -y chromium) or set VOD_HARVEST_CHROMIUM to its path",
    );
  }
  // The sink a copy writes through, read here: its key rule, symbolic-link check and S3 client.
  const sink = await createSink(args.destination, args.pathStyle);
  // Read once before serving: an unreadable destination is an error now, not a broken page later.
  const catalog = await loadCatalog(sink, signal);
  for (const { id, problem } of catalog.problems) io.err(`${id || "."}: ${problem}\n`);
  const server = await startPreviewServer(sink, { port: args.port });
  try {
    if (!args.check) {
      io.err(
        `${catalog.copies.length} harvested configuration(s) under ${catalog.location}\npreview: ${server.url}  (Ctrl-C to stop)\n`,
      );
      io.out(`${server.url}\n`);
      await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
      return ExitCode.Interrupted;
    }
    if (catalog.copies.length === 0) {
      io.err(`no completion record under ${catalog.location}: nothing to play\n`);
      return ExitCode.Failed;
    }
    const results = await checkPlayback(server.url, {
      executablePath: executablePath as string,
      switchRendition: args.switchRendition,
      ...(args.screenshot ? { screenshot: args.screenshot } : {}),
      signal,
      onResult: (result) => io.out(`${resultLine(result)}\n`),
    });
    if (args.screenshot) io.err(`screenshot: ${args.screenshot}\n`);
    const failed = results.filter((result) => !result.played).length + catalog.problems.length;
    return failed === 0 ? ExitCode.Ok : ExitCode.Failed;
  } finally {
    await server.close();
  }
}
