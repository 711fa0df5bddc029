// The installed command's first line, `#!/usr/bin/env -S node <options>`: pnpm's and npm's shims read it and start
// Node with those options, and run itself the kernel and env do. V8 reads them only at start (bin/vod-harvest.js).
import { readFileSync } from "node:fs";
import { delimiter, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { REPO_ROOT, runProcess } from "./support/run-cli.js";

const BIN = fileURLToPath(new URL("../bin/vod-harvest.js", import.meta.url));
const firstLine = readFileSync(BIN, "utf8").split("\n", 1)[0] ?? "";

/** How pnpm's shim maker (@zkochan/cmd-shim) reads a bin's first line: the program, then its arguments. */
const CMD_SHIM_SHEBANG = /^#!\s*(?:\/usr\/bin\/env(?:\s+-S\s*)?)?\s*([^ \t]+)(.*)$/;

test("the shims read node and the young-generation option from the first line", () => {
  const match = CMD_SHIM_SHEBANG.exec(firstLine);
  expect(match?.[1]).toBe("node");
  expect(match?.[2]?.trim().split(/\s+/)).toEqual(["--max-semi-space-size=2"]);
});

test("run itself, the command is started by Node with that option", async () => {
  // A module loaded before the command prints the options Node was started with (no quotes: NODE_OPTIONS parses them).
  const printOptions = "data:text/javascript,console.log(JSON.stringify(process.execArgv))";
  const run = await runProcess(BIN, ["--version"], {
    cwd: REPO_ROOT,
    env: {
      // The Node running this test (≥ 22.19) first on PATH, for env to find.
      PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ""}`,
      NODE_OPTIONS: `--import=${printOptions}`,
    },
  });
  expect(run.code, run.stderr).toBe(0);
  const [options, version] = run.stdout.split("\n");
  expect(JSON.parse(options ?? "null")).toEqual(["--max-semi-space-size=2"]);
  expect(version).toMatch(/^vod-harvest \d+\.\d+\.\d+ /);
});
