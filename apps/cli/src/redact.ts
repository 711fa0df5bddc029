/**
 * Last line of defence for header secrets: every text the command writes goes through a redactor built from the
 * raw command line, before any parsing, so even a commander error or a stack trace cannot show a value.
 */

import { createRedactor as createSharedRedactor } from "@vod-harvest/harvest/redact";

const REDACTED = "***";

/** Every `--header`/`-H` argument of argv as written (`Name: value`), up to a `--`. */
export function headerArgumentsInArgv(argv: readonly string[]): string[] {
  const raw: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index] as string;
    if (argument === "--") break;
    if (argument === "--header" || argument === "-H") {
      const next = argv[index + 1];
      if (next !== undefined) raw.push(next);
      index++;
    } else if (argument.startsWith("--header=")) {
      raw.push(argument.slice("--header=".length));
    } else if (argument.startsWith("-H") && argument.length > 2) {
      raw.push(argument.slice(2));
    }
  }
  return raw;
}

/** The secret part of every `--header`/`-H` argument in argv (value after the first ":", or all of it). */
export function headerSecretsInArgv(argv: readonly string[]): string[] {
  return headerArgumentsInArgv(argv).map((header) => {
    const colon = header.indexOf(":");
    return (colon < 0 ? header : header.slice(colon + 1)).trim();
  });
}

/** Every form of every `--header` secret, and URL credentials, hidden behind `***` (the engine's one redaction). */
export function createRedactor(secrets: readonly string[]): (text: string) => string {
  return createSharedRedactor(secrets, REDACTED);
}
