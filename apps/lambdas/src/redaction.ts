/**
 * Keeps secret values out of everything a handler emits. The CDN secret reader registers every value it reads;
 * the logger's JSON replacer (and error messages) replace any registered value, and any field named like the
 * CDN header, with a marker. Defence in depth: the handlers never log a secret in the first place.
 */

export const REDACTED = "[REDACTED]";

const secretValues = new Set<string>();

/** Field names whose value is always a secret, whatever it is (compared in lower case). */
const SECRET_FIELDS = new Set(["x-mediapackage-cdnidentifier", "mediapackagecdnidentifier", "authorization"]);

export function registerSecretValue(value: string): void {
  // A very short value would redact ordinary text; such a secret is refused by the reader anyway.
  if (value.length >= 4) secretValues.add(value);
}

/** For tests: forget every registered value. */
export function clearSecretValues(): void {
  secretValues.clear();
}

export function redactText(text: string): string {
  let result = text;
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
