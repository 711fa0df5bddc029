/** Content types by file extension (lower case, without the dot). */
const CONTENT_TYPE_BY_EXTENSION: Readonly<Record<string, string>> = {
  m3u8: "application/vnd.apple.mpegurl",
  mpd: "application/dash+xml",
  ism: "text/xml",
  ismc: "text/xml",
  ts: "video/mp2t",
  mp4: "video/mp4",
  m4s: "video/mp4",
  cmfv: "video/mp4",
  m4v: "video/mp4",
  cmfa: "audio/mp4",
  m4a: "audio/mp4",
  aac: "audio/aac",
  vtt: "text/vtt",
  webvtt: "text/vtt",
  ttml: "application/ttml+xml",
  dfxp: "application/ttml+xml",
  xml: "application/xml",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  key: "application/octet-stream",
};

const MANIFEST_CONTENT_TYPES: ReadonlySet<string> = new Set([
  "application/vnd.apple.mpegurl",
  "application/dash+xml",
  "text/xml",
]);

export const FALLBACK_CONTENT_TYPE = "application/octet-stream";

/** Types an origin sends when it does not know better; ours is more useful then. */
const GENERIC_CONTENT_TYPES: ReadonlySet<string> = new Set([
  "binary/octet-stream",
  "application/octet-stream",
  "application/unknown",
  "text/plain",
]);

function baseName(key: string): string {
  return key.slice(key.lastIndexOf("/") + 1);
}

/** The content type a player expects for `key`, from its extension; `application/octet-stream` if unknown. */
export function contentTypeFor(key: string): string {
  const name = baseName(key);
  // MSS serves its manifest as `<name>.ism/Manifest`: no extension at all.
  if (name.toLowerCase() === "manifest") return "text/xml";
  const dot = name.lastIndexOf(".");
  if (dot < 0) return FALLBACK_CONTENT_TYPE;
  return CONTENT_TYPE_BY_EXTENSION[name.slice(dot + 1).toLowerCase()] ?? FALLBACK_CONTENT_TYPE;
}

/**
 * The type to store: ours for manifests (players are strict about them, and origins often say
 * `binary/octet-stream`) and when the origin's is missing or generic; otherwise the origin's, which may know
 * better than an extension (e.g. a codecs parameter).
 */
export function preferredContentType(key: string, originContentType?: string): string {
  const ours = contentTypeFor(key);
  if (MANIFEST_CONTENT_TYPES.has(ours)) return ours;
  const origin = originContentType?.trim();
  if (!origin) return ours;
  const mediaType = origin.split(";")[0]?.trim().toLowerCase() ?? "";
  if (mediaType === "" || GENERIC_CONTENT_TYPES.has(mediaType)) return ours;
  return origin;
}
