import { ManifestParseError, UnsafeReferenceError } from "./errors.js";
import { attributeSpans } from "./hls/attribute-list.js";
import { queryParamDefinitionEdits, type TextEdit } from "./hls/stored-variables.js";
import { expandVariables } from "./hls/variables.js";
import { EXTERNAL_PREFIX } from "./keys.js";
import { detectFormat, type TextFormat } from "./parse.js";
import type { ParsedManifest } from "./types.js";
import { decodeXmlReferences } from "./xml.js";

/**
 * DESIGN.md "Changes" 2026-11-24: a manifest that refers to resources by absolute URL or path-absolute reference
 * is stored with only those references made relative (from the manifest's key to the target's key), every other
 * byte unchanged, so the copy plays from any bucket and prefix.
 */

export interface RewriteOptions {
  /** Where the manifest was fetched from. */
  readonly manifestUrl: URL;
  /** The asset's root (AssetPlan.root): origin + root directory every key is relative to. */
  readonly root: string;
  /** The manifest's own parse: only the absolute references (and bases) it produced are rewritten. */
  readonly parsed: ParsedManifest;
}

export interface RewriteResult {
  readonly text: string;
  /** How many reference texts (and HLS EXT-X-DEFINE QUERYPARAM attributes) were replaced. */
  readonly rewritten: number;
  /** Absolute references found in reference positions that the parse did not produce (kept as written). */
  readonly kept: readonly string[];
}

/** A reference text in the manifest: `[start, end)` of the raw span and its decoded value. */
export interface ReferenceSpan {
  readonly start: number;
  readonly end: number;
  readonly value: string;
}

/** True for `scheme:…`, `//host/…` and `/path` references: the ones that do not follow the copy. */
export function isAbsoluteReference(reference: string): boolean {
  return /^[a-z][a-z\d+.-]*:/i.test(reference) || reference.startsWith("/");
}

/**
 * The path of a URL in the copy's key space, still percent-encoded as a URL path (so it can be written back into a
 * manifest): relative to root on the entry's origin, `_external/<host>/<path>` elsewhere. Query and fragment are
 * not part of a key. Refuses a URL on the origin but outside root: no relative reference could reach it.
 */
export function storagePath(url: URL, root: URL): string {
  if (url.origin === root.origin) {
    if (!url.pathname.startsWith(root.pathname)) {
      throw new UnsafeReferenceError(
        "KEY_ESCAPES_ROOT",
        url.href,
        `cannot make ${url.href} relative: it lies outside the asset's root ${root.href}`,
      );
    }
    return url.pathname.slice(root.pathname.length);
  }
  return `${EXTERNAL_PREFIX}${url.host}${url.pathname}`;
}

/**
 * Relative reference from the object at `fromPath` to `toPath` (both `/`-separated paths in key space; a `toPath`
 * ending in `/` names a directory). Never empty; `./` guards a first segment that would read as a scheme.
 */
export function relativeReference(fromPath: string, toPath: string): string {
  const fromDirs = fromPath.split("/").slice(0, -1);
  const toSegments = toPath.split("/");
  const toDirs = toSegments.slice(0, -1);
  let common = 0;
  while (common < fromDirs.length && common < toDirs.length && fromDirs[common] === toDirs[common]) common++;
  const relative = "../".repeat(fromDirs.length - common) + toSegments.slice(common).join("/");
  if (relative === "") return "./";
  return relative.split("/")[0]?.includes(":") ? `./${relative}` : relative;
}

const XML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};

export function encodeXmlText(text: string): string {
  return text.replace(/[&<>"']/g, (char) => XML_ESCAPES[char] ?? char);
}

/** Trims a span to its non-blank part, so surrounding whitespace is kept byte for byte. */
function trimmedSpan(
  text: string,
  start: number,
  end: number,
  decode: (raw: string) => string,
): ReferenceSpan {
  const raw = text.slice(start, end);
  const lead = raw.length - raw.trimStart().length;
  const trail = raw.length - raw.trimEnd().length;
  const inner = text.slice(start + lead, end - trail);
  return { start: start + lead, end: end - trail, value: decode(inner) };
}

/** Whether a character is certainly not one `String.prototype.trim` removes (printable ASCII). */
function printable(code: number): boolean {
  return code > 32 && code < 127;
}

/** A URI line's span: `[start, end)` trimmed as trimmedSpan trims, with one slice when nothing needs trimming. */
function uriLineSpan(text: string, start: number, end: number): ReferenceSpan | undefined {
  if (printable(text.charCodeAt(start)) && printable(text.charCodeAt(end - 1))) {
    return { start, end, value: text.slice(start, end) };
  }
  const span = trimmedSpan(text, start, end, (raw) => raw);
  return span.value === "" ? undefined : span;
}

/**
 * HLS: every URI line, and every `URI="…"` attribute of a tag line. Lines are scanned with indexOf (a line is a run
 * of characters without CR or LF); a tag line's attributes are read only when it holds `URI` at all: a playlist is
 * mostly `#EXTINF` and segment lines, thousands of them.
 */
export function hlsReferenceSpans(text: string): ReferenceSpan[] {
  const spans: ReferenceSpan[] = [];
  const { length } = text;
  // The next LF, CR and `URI` at or after the current line's start (-1: none left); each found once.
  let nextLf = text.indexOf("\n");
  let nextCr = text.indexOf("\r");
  let nextUri = text.indexOf("URI");
  for (let start = 0; start < length; ) {
    if (nextLf !== -1 && nextLf < start) nextLf = text.indexOf("\n", start);
    if (nextCr !== -1 && nextCr < start) nextCr = text.indexOf("\r", start);
    const end = Math.min(nextLf === -1 ? length : nextLf, nextCr === -1 ? length : nextCr);
    if (end > start) {
      if (text.charCodeAt(start) !== 0x23 /* # */) {
        const span = uriLineSpan(text, start, end);
        if (span !== undefined) spans.push(span);
      } else {
        if (nextUri !== -1 && nextUri < start) nextUri = text.indexOf("URI", start);
        // A comment, a tag without attributes, or one without a URI attribute: nothing to read.
        if (nextUri !== -1 && nextUri < end && text.startsWith("#EXT", start)) {
          const content = text.slice(start, end);
          const colon = content.indexOf(":");
          // The parser's own attribute scanner: a `URI="…"` inside another attribute's quoted value is not a URI.
          if (colon >= 0) {
            for (const attribute of attributeSpans(content, colon + 1)) {
              if (attribute.name !== "URI" || !attribute.quoted) continue;
              spans.push(
                trimmedSpan(text, start + attribute.valueStart, start + attribute.valueEnd, (raw) => raw),
              );
            }
          }
        }
      }
    }
    start = end + 1;
  }
  return spans;
}

/** The values of the named XML attributes, in document order. */
function xmlAttributeSpans(text: string, names: readonly string[]): ReferenceSpan[] {
  const spans: ReferenceSpan[] = [];
  const pattern = new RegExp(`\\s(?:${names.join("|")})\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, "g");
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    const value = (match[1] ?? match[2]) as string;
    const end = match.index + match[0].length - 1; // before the closing quote
    spans.push(trimmedSpan(text, end - value.length, end, decodeXmlReferences));
  }
  return spans;
}

/** DASH: BaseURL element text and the media / initialization / sourceURL / index attributes. */
export function dashReferenceSpans(text: string): ReferenceSpan[] {
  const spans = xmlAttributeSpans(text, ["media", "initialization", "sourceURL", "index"]);
  const baseUrls = /<((?:[\w.-]+:)?BaseURL)\b[^>]*>([^<]*)<\/\1\s*>/g;
  for (let match = baseUrls.exec(text); match; match = baseUrls.exec(text)) {
    const inner = match[2] as string;
    const innerEnd = match.index + match[0].lastIndexOf("</");
    spans.push(trimmedSpan(text, innerEnd - inner.length, innerEnd, decodeXmlReferences));
  }
  return spans.sort((a, b) => a.start - b.start);
}

/** MSS: the StreamIndex `Url` template. */
function mssReferenceSpans(text: string): ReferenceSpan[] {
  return xmlAttributeSpans(text, ["Url"]);
}

function resolve(reference: string, base: URL): URL {
  try {
    const url = new URL(reference, base);
    url.hash = "";
    return url;
  } catch (cause) {
    throw new ManifestParseError("INVALID_URL", `invalid reference "${reference}" (base ${base.href})`, {
      cause,
    });
  }
}

/** Each base chain's resolved URL, and every absolute reference text the parse produced → its target. */
function parsedTargets(parsed: ParsedManifest, manifestUrl: URL) {
  const exact = new Map<string, URL>();
  const chains: { uri: string; base: URL }[] = [];
  const add = (text: string, url: URL) => {
    const previous = exact.get(text);
    if (previous !== undefined && previous.href !== url.href) {
      throw new ManifestParseError(
        "MALFORMED_MANIFEST",
        `cannot make "${text}" relative: it names both ${previous.href} and ${url.href}`,
      );
    }
    exact.set(text, url);
  };
  const resolvedChains = new Map<readonly string[], URL>();
  for (const reference of parsed.references) {
    let base = resolvedChains.get(reference.bases);
    if (base === undefined) {
      base = manifestUrl;
      for (const baseText of reference.bases) {
        const next = resolve(baseText.trim(), base);
        if (isAbsoluteReference(baseText.trim())) add(baseText.trim(), next);
        base = next;
      }
      resolvedChains.set(reference.bases, base);
    }
    const uri = reference.uri.trim();
    if (isAbsoluteReference(uri)) add(uri, resolve(uri, base));
    chains.push({ uri, base });
  }
  return { exact, chains };
}

/** Where a template's placeholders start, or -1: DASH `$…$`, MSS `{…}`. */
function templateMarker(format: TextFormat, value: string): number {
  if (format === "dash") return value.indexOf("$");
  if (format === "mss") return value.indexOf("{");
  return -1;
}

function referenceSpans(text: string, format: TextFormat): ReferenceSpan[] {
  if (format === "hls") return hlsReferenceSpans(text);
  return format === "dash" ? dashReferenceSpans(text) : mssReferenceSpans(text);
}

/**
 * The reference a span means: HLS variables substituted as the parse did (every name is defined once, before its
 * use, so the playlist's final variables give each reference its value). Undefined for a span the parse did not
 * substitute (a name it never defined): such a span is no reference of the parse and stays as written.
 */
function spanReference(format: TextFormat, span: ReferenceSpan, parsed: ParsedManifest): string | undefined {
  if (format !== "hls" || !span.value.includes("{$")) return span.value;
  return parsed.variables === undefined ? undefined : expandVariables(span.value, parsed.variables)?.trim();
}

/** Applies edits sorted by start; an edit overlapping an earlier one is dropped (it cannot be both). */
function applyEdits(text: string, edits: readonly TextEdit[]): { text: string; applied: number } {
  let out = "";
  let last = 0;
  let applied = 0;
  for (const edit of [...edits].sort((a, b) => a.start - b.start)) {
    if (edit.start < last) continue;
    out += text.slice(last, edit.start) + edit.text;
    last = edit.end;
    applied++;
  }
  return applied === 0 ? { text, applied } : { text: out + text.slice(last), applied };
}

/**
 * Rewrites the absolute and path-absolute references of one manifest into references relative to its own key.
 * Targets come from the manifest's parse (so a reference means what the parser resolved it to, BaseURL chains
 * included); a template (`$Number$`, `{start time}`) has its literal directory prefix rewritten. HLS: a reference
 * written with variables is rewritten (whole) when it resolves to an absolute reference and kept byte for byte
 * otherwise; QUERYPARAM definitions become NAME/VALUE ones, since the copy is served without the query string.
 */
export function rewriteManifest(text: string, options: RewriteOptions): RewriteResult {
  const format = detectFormat(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  const root = new URL(options.root);
  const fromPath = storagePath(options.manifestUrl, root);
  // Read only when a reference turns out absolute: most manifests have none, and thousands of references.
  let targets: ReturnType<typeof parsedTargets> | undefined;
  const targetsOf = () => {
    targets ??= parsedTargets(options.parsed, options.manifestUrl);
    return targets;
  };
  const encode = format === "hls" ? (value: string) => value : encodeXmlText;

  const replacementFor = (value: string): string | undefined => {
    const { exact, chains } = targetsOf();
    const target = exact.get(value);
    if (target !== undefined) return relativeReference(fromPath, storagePath(target, root));
    const marker = templateMarker(format, value);
    if (marker < 0) return undefined;
    // The literal directory before the first placeholder is a URL of its own; the rest stays as written.
    const prefix = value.slice(0, value.lastIndexOf("/", marker) + 1);
    if (prefix === "" || !isAbsoluteReference(prefix)) return undefined;
    const user = chains.find((chain) => chain.uri.startsWith(prefix));
    if (user === undefined) return undefined;
    const directory = relativeReference(fromPath, storagePath(resolve(prefix, user.base), root));
    return directory + value.slice(prefix.length);
  };

  const edits: TextEdit[] = format === "hls" ? queryParamDefinitionEdits(text, options.parsed.variables) : [];
  const kept: string[] = [];
  let last = 0;
  for (const span of referenceSpans(text, format)) {
    const reference = spanReference(format, span, options.parsed);
    if (span.start < last || reference === undefined || !isAbsoluteReference(reference)) continue;
    const replacement = replacementFor(reference);
    if (replacement === undefined) {
      kept.push(span.value);
      continue;
    }
    edits.push({ start: span.start, end: span.end, text: encode(replacement) });
    last = span.end;
  }
  const { text: rewrittenText, applied } = applyEdits(text, edits);
  return { text: rewrittenText, rewritten: applied, kept };
}
