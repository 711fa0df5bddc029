/**
 * HLS attribute lists (RFC 8216 §4.2): `NAME=value,NAME="quoted, value"`. Only what the emulator needs to read a
 * source multivariant playlist and to write its own.
 */
import { InvalidPlaylistError } from "../errors.js";

const ATTRIBUTE = /([A-Z0-9-]+)=("[^"]*"|[^,]*)(,|$)/y;

/** Attribute list → map of name to value, quotes removed. */
export function parseAttributeList(text: string): Map<string, string> {
  const attributes = new Map<string, string>();
  ATTRIBUTE.lastIndex = 0;
  while (ATTRIBUTE.lastIndex < text.length) {
    const start = ATTRIBUTE.lastIndex;
    const match = ATTRIBUTE.exec(text);
    if (!match?.[1] || match[2] === undefined) {
      throw new InvalidPlaylistError(`bad attribute list at character ${start}: ${text}`);
    }
    const raw = match[2];
    attributes.set(match[1], raw.startsWith('"') ? raw.slice(1, -1) : raw);
    if (match[3] === "") break;
  }
  return attributes;
}

export type AttributeValue = string | number | { readonly quoted: string };

/** Map of name to value → attribute list; `{quoted}` values are written in double quotes. */
export function formatAttributeList(
  attributes: ReadonlyArray<readonly [string, AttributeValue | undefined]>,
): string {
  return attributes
    .filter((entry): entry is readonly [string, AttributeValue] => entry[1] !== undefined)
    .map(([name, value]) => (typeof value === "object" ? `${name}="${value.quoted}"` : `${name}=${value}`))
    .join(",");
}
