/// <reference path="./m3u8-parser.d.ts" />
import { ParseStream, type ParseStreamEvent } from "m3u8-parser";
import { type AttributeList, parseAttributeList } from "./attribute-list.js";
import { type ByteRangeSpec, parseByteRangeSpec, toByteRangeSpec } from "./byte-range.js";
import type { PlaylistVariables } from "./variables.js";

/** A URI line: a segment, or the variant playlist of the EXT-X-STREAM-INF before it. Trimmed, otherwise as written. */
interface HlsUriLine {
  readonly type: "uri";
  readonly line: number;
  readonly uri: string;
}

/** A tag line, with the few things the reference steps read from it. */
export interface HlsTag {
  readonly type: "tag";
  readonly line: number;
  /** The tag name without `#`, e.g. `EXT-X-MAP`. */
  readonly name: string;
  /** Attributes as written (quotes removed); `URI` is the reference. */
  readonly attributes: AttributeList;
  /** EXT-X-BYTERANGE's value, or the BYTERANGE attribute of EXT-X-MAP / EXT-X-PART. */
  readonly byteRange?: ByteRangeSpec;
}

export type HlsToken = HlsUriLine | HlsTag;

/** m3u8-parser's `tagType` → tag name, for the tags it recognizes; filled as types are met. */
const TAG_NAMES = new Map<string, string>([
  ["m3u", "EXTM3U"],
  ["inf", "EXTINF"],
  ["i-frame-playlist", "EXT-X-I-FRAME-STREAM-INF"],
]);

function tagName(tagType: string): string {
  let name = TAG_NAMES.get(tagType);
  if (name === undefined) {
    name = `EXT-X-${tagType.toUpperCase()}`;
    TAG_NAMES.set(tagType, name);
  }
  return name;
}

/** Tags m3u8-parser leaves unparsed whose attributes the reference steps need. */
const OWN_ATTRIBUTE_TAGS = new Set([
  "EXT-X-IMAGE-STREAM-INF",
  "EXT-X-SESSION-KEY",
  "EXT-X-SESSION-DATA",
  "EXT-X-STREAM-INF",
  "EXT-X-MEDIA",
  "EXT-X-I-FRAME-STREAM-INF",
  "EXT-X-KEY",
  "EXT-X-MAP",
  "EXT-X-PART",
  "EXT-X-PRELOAD-HINT",
]);

const NO_ATTRIBUTES: AttributeList = Object.freeze(Object.create(null));
const HASH = 0x23;

/** m3u8-parser turns some attributes into numbers, booleans or objects: keep the scalars, as text. */
function attributesAsText(parsed: Readonly<Record<string, unknown>> | undefined): AttributeList {
  if (!parsed) return NO_ATTRIBUTES;
  const attributes: Record<string, string> = Object.create(null);
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value === "string") attributes[name] = value;
    else if (typeof value === "boolean") attributes[name] = value ? "YES" : "NO";
    else if (typeof value === "number") attributes[name] = String(value);
  }
  return attributes;
}

/** A tag read by our own scanner: one m3u8-parser does not know, or a line it chokes on. */
function ownTag(text: string, line: number): HlsTag {
  const colon = text.indexOf(":");
  const name = (colon < 0 ? text.slice(1) : text.slice(1, colon)).trim();
  const value = colon < 0 ? "" : text.slice(colon + 1);
  if (name === "EXT-X-BYTERANGE")
    return { type: "tag", line, name, attributes: NO_ATTRIBUTES, byteRange: parseByteRangeSpec(value, line) };
  if (!OWN_ATTRIBUTE_TAGS.has(name)) return { type: "tag", line, name, attributes: NO_ATTRIBUTES };
  const attributes = parseAttributeList(value);
  const range = attributes.BYTERANGE;
  return range === undefined
    ? { type: "tag", line, name, attributes }
    : { type: "tag", line, name, attributes, byteRange: parseByteRangeSpec(range, line) };
}

/** One m3u8-parser ParseStream event as our token; comments and custom events carry no reference. */
function tokenFromEvent(event: ParseStreamEvent, line: number): HlsToken | undefined {
  if (event.type === "uri") return event.uri ? { type: "uri", line, uri: event.uri } : undefined;
  if (event.type !== "tag") return undefined;
  if (event.tagType === undefined) return ownTag(`#EXT${String(event.data ?? "")}`, line);
  const name = tagName(event.tagType);
  switch (event.tagType) {
    case "byterange":
      return { type: "tag", line, name, attributes: NO_ATTRIBUTES, byteRange: toByteRangeSpec(event, line) };
    case "map": {
      // m3u8-parser keeps only URI and the parsed BYTERANGE of EXT-X-MAP.
      const attributes: Record<string, string> = Object.create(null);
      if (event.uri !== undefined) attributes.URI = event.uri;
      return event.byterange
        ? { type: "tag", line, name, attributes, byteRange: toByteRangeSpec(event.byterange, line) }
        : { type: "tag", line, name, attributes };
    }
    case "part": {
      const attributes = attributesAsText(event.attributes);
      const range = attributes.BYTERANGE;
      return range === undefined
        ? { type: "tag", line, name, attributes }
        : { type: "tag", line, name, attributes, byteRange: parseByteRangeSpec(range, line) };
    }
    default:
      return { type: "tag", line, name, attributes: attributesAsText(event.attributes) };
  }
}

/**
 * Tokens of a playlist, line by line, in document order. m3u8-parser's ParseStream recognizes the tags and reads
 * their attribute lists (commas inside quoted-strings included); the tags it does not know (EXT-X-IMAGE-STREAM-INF,
 * EXT-X-SESSION-KEY, EXT-X-SESSION-DATA, EXT-X-GAP, EXT-X-IMAGES-ONLY...) and the lines it throws on (a short
 * EXT-X-KEY IV makes it fail with a TypeError) go through our own scanner. Lines end at LF; ParseStream trims
 * the CR of CRLF and blanks. Lazy, so a caller's budget stops a huge playlist before it is all tokenized.
 * With `variables`, each line is substituted (and EXT-X-DEFINE lines recorded) before it is read, so a BYTERANGE
 * or URI built from variables is parsed as substituted.
 */
export function* tokenizeHls(
  text: string,
  variables?: PlaylistVariables,
): Generator<HlsToken, void, undefined> {
  const stream = new ParseStream();
  const events: ParseStreamEvent[] = [];
  stream.on("data", (event) => events.push(event));
  let start = 0;
  for (let line = 1; start <= text.length; line++) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const written = text.slice(start, end);
    const raw = variables ? variables.apply(written, line) : written;
    start = end + 1;
    // The lines that make up most of a long playlist, read as ParseStream would read them without asking it
    // (its regular expressions per line were a fifth of planning): blanks, URIs, EXTINF, comments.
    const trimmed = raw.trim();
    if (trimmed === "") continue;
    if (trimmed.charCodeAt(0) !== HASH) {
      yield { type: "uri", line, uri: trimmed };
      continue;
    }
    if (trimmed.startsWith("#EXTINF:")) {
      yield { type: "tag", line, name: "EXTINF", attributes: NO_ATTRIBUTES };
      continue;
    }
    if (!trimmed.startsWith("#EXT")) continue; // a comment
    events.length = 0;
    try {
      stream.push(raw);
    } catch {
      yield ownTag(raw.trim(), line);
      continue;
    }
    for (const event of events) {
      const token = tokenFromEvent(event, line);
      if (token) yield token;
    }
  }
}
