/**
 * Last line of defence for header secrets: every text the command writes goes through a redactor built from the
 * raw command line, before any parsing, so even a commander error or a stack trace cannot show a value.
 */

/** Values shorter than this are not scrubbed from output: replacing e.g. every "1" would garble the figures. */
export const MIN_REDACTED_LENGTH = 4;

export const REDACTED = "***";

/** The secret part of every `--header`/`-H` argument in argv (value after the first ":", or all of it). */
export function headerSecretsInArgv(argv: readonly string[]): string[] {
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
  return raw.map((header) => {
    const colon = header.indexOf(":");
    return (colon < 0 ? header : header.slice(colon + 1)).trim();
  });
}

/** A function replacing every secret, and its JSON-escaped and percent-encoded forms, with `***`. */
export function createRedactor(secrets: readonly string[]): (text: string) => string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < MIN_REDACTED_LENGTH) continue;
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
    forms.add(encodeURIComponent(secret));
  }
  // Longest first, so a secret containing another is replaced whole.
  const ordered = [...forms].sort((a, b) => b.length - a.length);
  if (ordered.length === 0) return (text) => text;
  return (text) => {
    let result = text;
    for (const form of ordered) result = result.split(form).join(REDACTED);
    return result;
  };
}
