import { isAbsolute, resolve } from "node:path";
import { parseS3Url } from "@vod-harvest/s3-sink/base";
import { UsageError } from "./exit-codes.js";

/**
 * Parsing and validation of command-line values: pure functions that throw UsageError with a message naming
 * the offending option. Messages never contain a header value (they are secrets).
 */

export interface HeaderArgument {
  readonly name: string;
  readonly value: string;
}

// RFC 9110 token characters.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Control characters other than tab would allow request splitting, or be rejected by undici mid-run. */
function hasControlCharacter(value: string): boolean {
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) return true;
  }
  return false;
}
// The engine manages these itself; a user value would corrupt ranges, framing or routing.
const MANAGED_HEADERS = new Set([
  "host",
  "content-length",
  "range",
  "connection",
  "transfer-encoding",
  "keep-alive",
  "upgrade",
  "te",
  "trailer",
  "expect",
]);

/** `"Name: value"` → {name, value}; the value is trimmed of surrounding blanks, as HTTP does. */
export function parseHeaderArgument(argument: string): HeaderArgument {
  const colon = argument.indexOf(":");
  if (colon < 0) {
    // The argument is not echoed: it may be a secret typed without its name.
    throw new UsageError('--header must look like "Name: value" (no ":" found in one --header argument)');
  }
  const name = argument.slice(0, colon).trim();
  const value = argument.slice(colon + 1).trim();
  if (!HEADER_NAME.test(name)) {
    throw new UsageError(
      `--header: invalid header name ${JSON.stringify(name)} (letters, digits and !#$%&'*+.^_\`|~- only)`,
    );
  }
  if (MANAGED_HEADERS.has(name.toLowerCase())) {
    throw new UsageError(`--header: ${name} is managed by vod-harvest and cannot be set`);
  }
  if (value === "") throw new UsageError(`--header: ${name} has an empty value`);
  if (hasControlCharacter(value)) {
    throw new UsageError(`--header: the value of ${name} contains a control character`);
  }
  return { name, value };
}

/** Every --header, as the engine takes them; a name given twice (any case) is refused rather than guessed. */
export function parseHeaders(argumentsGiven: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  const seen = new Set<string>();
  for (const argument of argumentsGiven) {
    const { name, value } = parseHeaderArgument(argument);
    const lower = name.toLowerCase();
    if (seen.has(lower)) throw new UsageError(`--header: ${name} is given more than once`);
    seen.add(lower);
    headers[name] = value;
  }
  return headers;
}

/** How a header set is shown anywhere (debug output, summaries): names only. */
export function describeHeaders(headers: Readonly<Record<string, string>>): string {
  const names = Object.keys(headers);
  return names.length === 0 ? "(none)" : names.map((name) => `${name}: ***`).join(", ");
}

export interface IntegerBounds {
  readonly option: string;
  readonly min: number;
  readonly max: number;
}

/** A decimal integer within bounds; `"8"` yes, `"8.5"`, `"0x8"`, `"8k"`, `""` no. */
export function parseIntegerOption(text: string, { option, min, max }: IntegerBounds): number {
  const trimmed = text.trim();
  const value = /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`${option} must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return value;
}

/** A positive decimal number (`"0.5"`, `"20"`) up to `max`. */
export function parsePositiveNumberOption(text: string, option: string, max: number): number {
  const trimmed = text.trim();
  const value = /^(\d+(\.\d*)?|\.\d+)$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!Number.isFinite(value) || value <= 0 || value > max) {
    throw new UsageError(
      `${option} must be a number greater than 0 and at most ${max}, got ${JSON.stringify(text)}`,
    );
  }
  return value;
}

/** `host` or `host:port`, lower-cased as URLs compare hosts; no scheme, path or credentials. */
export function parseAllowHost(text: string): string {
  const trimmed = text.trim();
  let parsed: URL | undefined;
  try {
    parsed = new URL(`http://${trimmed}/`);
  } catch {
    parsed = undefined;
  }
  const hostOnly = parsed !== undefined && parsed.username === "" && parsed.password === "";
  if (trimmed === "" || !hostOnly || parsed === undefined || /[/?#@\\]/.test(trimmed)) {
    throw new UsageError(
      `--allow-host must be a host name or host:port (no scheme or path), got ${JSON.stringify(text)}`,
    );
  }
  // URL drops a scheme-default port (:80); keep what the user wrote so host:port comparisons stay literal.
  return trimmed.toLowerCase();
}

/** The entry manifest URL: absolute http(s). Address refusals (metadata, link-local) are the engine's job. */
export function parseEntryUrlArgument(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`<url>: not an absolute URL: ${JSON.stringify(text)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`<url>: only http and https URLs can be harvested, got ${JSON.stringify(text)}`);
  }
  return text;
}

export type Destination =
  | { readonly kind: "s3"; readonly bucket: string; readonly prefix: string }
  | { readonly kind: "directory"; readonly path: string };

/** `s3://bucket/prefix` or a local directory, resolved against `cwd` (the directory the user ran from). */
export function parseDestination(text: string, cwd: string): Destination {
  if (text.trim() === "")
    throw new UsageError("<destination>: empty; give s3://bucket/prefix or a directory");
  if (/^s3:\/\//i.test(text)) {
    try {
      const { bucket, prefix } = parseS3Url(text);
      return { kind: "s3", bucket, prefix };
    } catch (error) {
      throw new UsageError(`<destination>: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(text)) {
    throw new UsageError(
      `<destination>: unsupported scheme in ${JSON.stringify(text)}; give s3://bucket/prefix or a directory`,
    );
  }
  return { kind: "directory", path: isAbsolute(text) ? resolve(text) : resolve(cwd, text) };
}

/**
 * The directory the user ran the command from. `pnpm vod-harvest` runs us with the cli package as working
 * directory, and pnpm keeps the original one in INIT_CWD; it is only trusted when our own script started us,
 * since an unrelated outer npm script also sets it.
 */
export function invocationDirectory(
  env: Readonly<Record<string, string | undefined>>,
  processCwd: string,
): string {
  const initCwd = env.INIT_CWD;
  if (env.npm_lifecycle_event === "vod-harvest" && initCwd !== undefined && isAbsolute(initCwd))
    return initCwd;
  return processCwd;
}
