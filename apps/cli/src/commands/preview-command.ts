/** The `preview` command's options and help, registered on the program by cli.ts. */
import { resolve } from "node:path";
import { type Command, Option } from "commander";
import { parseDestination, parseIntegerOption } from "../options.js";
import type { ProgramContext } from "../program-context.js";

const PREVIEW_EXAMPLES = `
Serves every harvested configuration under <destination> (each one found by its completion record) on
127.0.0.1, with a page that plays it: hls.js for HLS and CMAF, dash.js for DASH and Smooth Streaming, with its
renditions, audio and subtitle tracks. From S3 the files are read through with your credentials; nothing is made
public. With --check, plays each copy in headless Chromium and prints "<id> PLAYED <s>s" or "<id> FAILED <error>"
(exit 1 on any failure).

Examples:
  $ vod-harvest preview ./copies/asset-1
  $ vod-harvest preview s3://my-bucket/vod-downloads/asset-1
  $ vod-harvest preview ./copies/asset-1 --check --screenshot preview.png`;

interface RawPreviewOptions {
  port: string;
  check: boolean;
  switchRendition: boolean;
  screenshot?: string;
  pathStyle: boolean;
}

export function registerPreview(program: Command, { io, signal, done }: ProgramContext): void {
  program
    .command("preview")
    .description("watch harvested copies in a browser page (or check that each one plays)")
    .argument("<destination>", "s3://bucket/prefix or a directory holding harvested copies")
    .option("--port <n>", "port on 127.0.0.1 (default: any free port)", "0")
    .option("--check", "play every copy in headless Chromium and report each, then exit", false)
    .option("--switch-rendition", "with --check: switch rendition mid-play and require it to take", false)
    .option("--screenshot <file>", "with --check: write a screenshot of the page here")
    .addOption(
      new Option("--path-style", "path-style S3 addressing (most S3-compatible stores)").default(false),
    )
    .addHelpText("after", PREVIEW_EXAMPLES)
    .action(async (destinationText: string, options: RawPreviewOptions) => {
      const { runPreview } = await import("./preview.js");
      const args = {
        destination: parseDestination(destinationText, io.cwd),
        port: parseIntegerOption(options.port, { option: "--port", min: 0, max: 65535 }),
        pathStyle: options.pathStyle,
        check: options.check,
        switchRendition: options.switchRendition,
        ...(options.screenshot !== undefined ? { screenshot: resolve(io.cwd, options.screenshot) } : {}),
      };
      done(await runPreview(args, io, signal));
    });
}
