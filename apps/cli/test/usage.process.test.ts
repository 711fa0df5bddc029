import { describe, expect, test } from "vitest";
import { runCli } from "./support/run-cli.js";

/** Usage errors and help: no engine, no network. Commander's own errors must be exit 2, not its default 1. */
describe("usage", () => {
  test.each([
    [[], "Usage: vod-harvest"],
    [["frob"], "unknown command 'frob'"],
    [["plan"], "missing required argument 'url'"],
    [["copy", "https://h.example/a.m3u8"], "missing required argument 'destination'"],
    [["plan", "https://h.example/a.m3u8", "--bogus"], "unknown option '--bogus'"],
    [["plan", "https://h.example/a.m3u8", "extra"], "too many arguments"],
    [["copy", "https://h.example/a.m3u8", "out", "--concurrency"], "argument missing"],
    [
      ["copy", "https://h.example/a.m3u8", "out", "--concurrency", "0"],
      "--concurrency must be an integer from 1 to 1024",
    ],
    [["copy", "https://h.example/a.m3u8", "out", "--sync", "always"], "argument 'always' is invalid"],
    [["copy", "https://h.example/a.m3u8", "out", "--rate", "fast"], "--rate must be a number greater than 0"],
    [["copy", "https://h.example/a.m3u8", "out", "--time-budget", "-5"], "--time-budget must be a number"],
    [["copy", "https://h.example/a.m3u8", "gs://bucket/x"], "unsupported scheme"],
    [["copy", "https://h.example/a.m3u8", "s3://no/x"], "invalid bucket name"],
    [["plan", "not a url"], '<url>: not an absolute URL: "not a url"'],
    [["plan", "ftp://h.example/a.m3u8"], "only http and https"],
    [
      ["plan", "https://h.example/a.m3u8", "--allow-host", "https://x.example"],
      "--allow-host must be a host name",
    ],
    [
      ["plan", "https://h.example/a.m3u8", "-H", "X-A: 1", "-H", "x-a: 2"],
      "--header: x-a is given more than once",
    ],
  ])("%j exits 2: %s", async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stdout).toBe("");
  });

  test.each([[["--help"]], [["plan", "--help"]], [["copy", "--help"]], [["help", "copy"]]])(
    "%j prints help with examples and exits 0",
    async (args) => {
      const run = await runCli(args);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("Usage: vod-harvest");
      expect(run.stdout).toContain("Examples:");
      expect(run.stdout).toMatch(/\$ vod-harvest (plan|copy) https:\/\//);
    },
  );

  test("an error is one line without --debug, with the stack with --debug or DEBUG=1", async () => {
    const args = ["copy", "https://h.example/a.m3u8", "out", "--concurrency", "x"];
    const plain = await runCli(args);
    expect(plain.stderr).toBe('error: --concurrency must be an integer from 1 to 1024, got "x"\n');
    for (const run of [await runCli([...args, "--debug"]), await runCli(args, { env: { DEBUG: "1" } })]) {
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^error: --concurrency must be an integer/);
      expect(run.stderr).toMatch(/\n\s+at parseIntegerOption \(/);
    }
  });

  test.each([["--version"], ["-V"]])("%s prints the version and Node's on stdout, exit 0", async (flag) => {
    const run = await runCli([flag]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^vod-harvest \d+\.\d+\.\d+ \(node v\d+\.\d+\.\d+\)\n$/);
  });
});
