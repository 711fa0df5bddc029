import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CommanderError } from "commander";
import { buildProgram } from "./cli.js";
import { ExitCode, type ExitCodeValue, exitCodeForCommanderError, exitCodeForError } from "./exit-codes.js";
import { hintFor } from "./hints.js";
import type { CliIo } from "./io.js";
import { invocationDirectory } from "./options.js";
import { createRedactor, headerSecretsInArgv } from "./redact.js";

export interface RunContext {
  /** The directory relative destinations are resolved against. */
  readonly cwd: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

function isDebug(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): boolean {
  const fromEnv = env.DEBUG !== undefined && env.DEBUG !== "" && env.DEBUG !== "0" && env.DEBUG !== "false";
  return fromEnv || argv.includes("--debug");
}

const PRINTABLE_ASCII = /^[\t\n\x20-\x7e]*$/;

/** Control characters an origin put in a URL or name are shown escaped (`\x00`), never sent raw to a terminal. */
export function escapeControls(text: string): string {
  // Every line of `plan` passes here: printable ASCII, the common case, costs one regular expression test.
  if (PRINTABLE_ASCII.test(text)) return text;
  let out = "";
  for (const char of text) {
    const code = char.charCodeAt(0);
    const control = (code < 0x20 && char !== "\t" && char !== "\n") || (code >= 0x7f && code <= 0x9f);
    out += control ? `\\x${code.toString(16).padStart(2, "0")}` : char;
  }
  return out;
}

/** One line: the error's message (and code), newlines folded; with --debug, the stack and causes too. */
function describeError(error: unknown, debug: boolean): string {
  if (!(error instanceof Error)) return `error: ${String(error)}\n`;
  const code = (error as { code?: unknown }).code;
  const suffix = typeof code === "string" && !error.message.includes(code) ? ` (${code})` : "";
  const line = `error: ${error.message.replace(/\s*\n\s*/g, " ")}${suffix}\n`;
  if (!debug) return line;
  const parts = [line, `${error.stack ?? error.name}\n`];
  let cause = error.cause;
  for (let depth = 0; depth < 8 && cause !== undefined; depth++) {
    parts.push(`caused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}\n`);
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return parts.join("");
}

/**
 * Runs the command line and returns the exit code; never calls process.exit itself. SIGINT/SIGTERM abort the
 * running command through an AbortSignal (the engine stops cleanly); a second one ends the process at once.
 */
export async function runCli(argv: readonly string[], context: RunContext): Promise<number> {
  const env = context.env ?? process.env;
  const redact = createRedactor(headerSecretsInArgv(argv));
  const debug = isDebug(argv, env);
  const io: CliIo = {
    // Nothing an origin sent (a key, a URL, an error) reaches the terminal with raw control characters.
    out: (text) => void process.stdout.write(redact(escapeControls(text))),
    err: (text) => void process.stderr.write(redact(escapeControls(text))),
    stderrStream: process.stderr,
    stderrIsTTY: process.stderr.isTTY === true,
    cwd: context.cwd,
    debug,
  };

  const controller = new AbortController();
  let signalled: ExitCodeValue | undefined;
  const onSignal = (name: NodeJS.Signals) => {
    if (signalled !== undefined) process.exit(signalled);
    signalled = name === "SIGINT" ? ExitCode.Interrupted : (143 as ExitCodeValue);
    io.err(`\n${name}: stopping after the transfers in flight (again to quit at once)\n`);
    controller.abort(new Error(`interrupted by ${name}`));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  let exitCode: ExitCodeValue = ExitCode.Ok;
  const program = buildProgram({ io, signal: controller.signal, done: (code) => (exitCode = code) });
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      exitCode = exitCodeForCommanderError(error);
    } else {
      io.err(describeError(error, debug) + hintFor(error, argv));
      exitCode = signalled ?? exitCodeForError(error);
    }
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  if (signalled !== undefined && exitCode !== ExitCode.BadInput) return signalled;
  return exitCode;
}

/** Lets stdout/stderr drain (a pipe may still hold the plan's lines) before the process ends. */
async function flushAndExit(code: number): Promise<never> {
  await Promise.all(
    [process.stdout, process.stderr].map(
      (stream) => new Promise<void>((resolve) => stream.write("", () => resolve())),
    ),
  );
  process.exit(code);
}

function isEntryModule(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

/** Runs the command for this process and exits with its code (open keep-alive sockets must not hold it). */
export async function runAsProcess(cwd: string): Promise<never> {
  // A reader such as `head` closing the pipe early is not an error worth a stack trace.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(ExitCode.Ok);
    throw error;
  });
  let code: number;
  try {
    code = await runCli(process.argv.slice(2), { cwd });
  } catch {
    // runCli reports every error itself; reaching here is a bug, and its message is not printed unredacted.
    process.stderr.write("error: unexpected internal failure\n");
    code = ExitCode.Failed;
  }
  return flushAndExit(code);
}

if (isEntryModule()) void runAsProcess(invocationDirectory(process.env, process.cwd()));
