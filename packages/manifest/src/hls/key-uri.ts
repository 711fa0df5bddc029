const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;

/**
 * Whether an EXT-X-KEY / EXT-X-SESSION-KEY names a file to copy. METHOD=NONE has no key; DRM systems put
 * license-server or init data in `skd:` (FairPlay) and `data:` (Widevine, PlayReady, inline keys) URIs, which are
 * not files. Only a relative reference or an http(s) URL is fetched; relative vs absolute is the URL parser's call,
 * this only looks at an explicit scheme.
 */
export function isFetchableKey(method: string | undefined, uri: string | undefined): uri is string {
  if (method === "NONE" || uri === undefined || uri.trim() === "") return false;
  const scheme = SCHEME.exec(uri.trim())?.[1]?.toLowerCase();
  return scheme === undefined || scheme === "http" || scheme === "https";
}
