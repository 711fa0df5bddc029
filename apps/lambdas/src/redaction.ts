/**
 * Keeps secret values out of everything a handler emits. The CDN secret reader registers every value it reads;
 * the logger's JSON replacer (and error messages) replace any registered value, and any field named like the
 * CDN header, with a marker. Defence in depth: the handlers never log a secret in the first place.
 */

import { secretForms, stripUrlCredentials } from "@vod-harvest/harvest/redact";

export const REDACTED = "[REDACTED]";

/** Every form of every registered value (see secretForms), longest first. */
let secretValues: string[] = [];

/** Field names whose value is always a secret, whatever it is (compared in lower case). */
const SECRET_FIELDS = new Set(["x-mediapackage-cdnidentifier", "mediapackagecdnidentifier", "authorization"]);

export function registerSecretValue(value: string): void {
  // A very short value would redact ordinary text: secretForms gives none (the reader refuses such a secret).
  secretValues = [...new Set([...secretValues, ...secretForms(value)])].sort((a, b) => b.length - a.length);
}

/** For tests: forget every registered value. */
export function clearSecretValues(): void {
  secretValues = [];
}

/** The same redaction as the command line's: every form of every secret, and URL credentials. */
export function redactText(text: string): string {
  let result = stripUrlCredentials(text);
  for (const value of secretValues) {
    if (result.includes(value)) result = result.replaceAll(value, REDACTED);
  }
  return result;
}

/** A `jsonReplacerFn` for the Powertools logger. */
export function redactingReplacer(key: string, value: unknown): unknown {
  if (SECRET_FIELDS.has(key.toLowerCase()) && value !== null && value !== undefined) return REDACTED;
  if (typeof value === "string") return redactText(value);
  return value;
}
