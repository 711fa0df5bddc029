/**
 * Keeps secret values out of everything a handler emits. The CDN secret reader registers every value it reads;
 * the logger's JSON replacer (and error messages) replace any registered value, and any field named like the
 * CDN header, with a marker. Defence in depth: the handlers never log a secret in the first place.
 */

import { createRedactor } from "@vod-harvest/harvest/redact";

export const REDACTED = "[REDACTED]";

const secretValues = new Set<string>();
/** The command line's redaction over the registered values: every form of each, and URL credentials. */
let redact = createRedactor([], REDACTED);

/** Field names whose value is always a secret, whatever it is (compared in lower case). */
const SECRET_FIELDS = new Set(["x-mediapackage-cdnidentifier", "mediapackagecdnidentifier", "authorization"]);

export function registerSecretValue(value: string): void {
  // A very short value would redact ordinary text: the redactor skips it (the reader refuses such a secret).
  if (secretValues.has(value)) return;
  secretValues.add(value);
  redact = createRedactor([...secretValues], REDACTED);
}

/** For tests: forget every registered value. */
export function clearSecretValues(): void {
  secretValues.clear();
  redact = createRedactor([], REDACTED);
}

export function redactText(text: string): string {
  return redact(text);
}

/** A `jsonReplacerFn` for the Powertools logger. */
export function redactingReplacer(key: string, value: unknown): unknown {
  if (SECRET_FIELDS.has(key.toLowerCase()) && value !== null && value !== undefined) return REDACTED;
  if (typeof value === "string") return redactText(value);
  return value;
}

/** Redacts a thrown error's message and stack in place (its name, type and cause stay), so it can be rethrown. */
export function redactError(error: unknown): void {
  if (!(error instanceof Error)) return;
  error.message = redactText(error.message);
  if (error.stack !== undefined) error.stack = redactText(error.stack);
}
