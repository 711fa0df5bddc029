import { parseDash } from "./dash/index.js";
import { ManifestLimitError, ManifestParseError } from "./errors.js";
import { parseHls } from "./hls/index.js";
import { ResourceBudget, resolveLimits } from "./limits.js";
import { parseMss } from "./mss/index.js";
import type { ParseContext } from "./parse-context.js";
import type { ManifestLimits, ParsedManifest, ParseOptions } from "./types.js";

export type { ParseContext } from "./parse-context.js";

export type TextFormat = "hls" | "dash" | "mss";

/** Refuses oversized text and strips a UTF-8 byte order mark. */
export function prepareText(text: string, limits: ManifestLimits): string {
  if (text.length > limits.maxManifestBytes) {
    throw new ManifestLimitError(
      "MANIFEST_TOO_LARGE",
      `manifest of ${text.length} characters exceeds the limit of ${limits.maxManifestBytes} (maxManifestBytes)`,
    );
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Tells the format from the content alone: extensions lie (`.ismc`, none at all, `.xml`). */
export function detectFormat(text: string): TextFormat {
  const head = text.slice(0, 4096).trimStart();
  // RFC 8216 requires #EXTM3U first, but packagers omit it and players accept a playlist that starts with a tag.
  if (head.startsWith("#EXTM3U") || /^#EXT(?:INF:|-X-)/.test(head)) return "hls";
  // Skip the XML declaration, comments (which may hold `<tag>`-like text) and processing instructions.
  const root = /<(?![?!])\s*(?:[\w.-]+:)?([\w.-]+)/.exec(head.replace(/<!--[\s\S]*?(?:-->|$)/g, ""))?.[1];
  if (root === "MPD") return "dash";
  if (root === "SmoothStreamingMedia") return "mss";
  throw new ManifestParseError(
    "UNRECOGNIZED_MANIFEST",
    root ? `unrecognized manifest: root element <${root}>` : "unrecognized manifest: not HLS, DASH or MSS",
  );
}

/** Parses one manifest into its unresolved references, in document order. */
export function parseManifest(text: string, options: ParseOptions = {}): ParsedManifest {
  const limits = resolveLimits(options.limits);
  const prepared = prepareText(text, limits);
  const context: ParseContext = {
    role: options.role ?? "media",
    now: options.now,
    limits,
    budget: new ResourceBudget(limits.maxResources),
    query: options.query,
    parentVariables: options.parentVariables,
  };
  switch (detectFormat(prepared)) {
    case "hls":
      return parseHls(prepared, context);
    case "dash":
      return parseDash(prepared, context);
    case "mss":
      return parseMss(prepared, context);
  }
}
