import type { ResourceBudget } from "../limits.js";
import type { MediaRole, RawReference } from "../types.js";
import { isFetchableKey } from "./key-uri.js";
import { NO_BASES, ReferenceList, uriOf } from "./references.js";
import type { HlsToken } from "./tokenize.js";

/** EXT-X-MEDIA TYPE → what its playlist holds. CLOSED-CAPTIONS are carried in the video: no URI, no playlist. */
const ROLE_OF_RENDITION_TYPE: Readonly<Record<string, MediaRole | undefined>> = {
  AUDIO: "media",
  VIDEO: "media",
  SUBTITLES: "subtitle",
  "CLOSED-CAPTIONS": undefined,
};

function childPlaylist(uri: string | undefined, role: MediaRole): RawReference | undefined {
  return uri === undefined ? undefined : { uri, bases: NO_BASES, kind: "manifest", role };
}

/**
 * References of a multivariant playlist, in document order: variant, rendition (with or without NAME), I-frame
 * and image playlists (kind `manifest`, with the role their segments take), the session key when it is a fetchable
 * file, and session data files (`media`: an opaque file copied as is).
 * An EXT-X-STREAM-INF takes the next URI line; one left without (end of text, or another EXT-X-STREAM-INF first)
 * names nothing, and a URI line after no EXT-X-STREAM-INF is no variant: both are skipped, as players do.
 */
export function multivariantReferences(tokens: Iterable<HlsToken>, budget: ResourceBudget): RawReference[] {
  const list = new ReferenceList(budget);
  const add = (reference: RawReference | undefined) => reference && list.add(reference);
  let variantOpen = false;

  for (const token of tokens) {
    if (token.type === "uri") {
      if (variantOpen) add(childPlaylist(token.uri, "media"));
      variantOpen = false;
      continue;
    }
    switch (token.name) {
      case "EXT-X-STREAM-INF":
        variantOpen = true;
        break;
      case "EXT-X-MEDIA": {
        const type = token.attributes.TYPE ?? "";
        // A TYPE we do not know still names a playlist: copy it as media rather than lose it.
        const role = type in ROLE_OF_RENDITION_TYPE ? ROLE_OF_RENDITION_TYPE[type] : "media";
        if (role) add(childPlaylist(uriOf(token), role));
        break;
      }
      case "EXT-X-I-FRAME-STREAM-INF":
        add(childPlaylist(uriOf(token), "iframe"));
        break;
      case "EXT-X-IMAGE-STREAM-INF":
        add(childPlaylist(uriOf(token), "image"));
        break;
      case "EXT-X-SESSION-KEY": {
        const uri = uriOf(token);
        if (isFetchableKey(token.attributes.METHOD, uri)) add({ uri, bases: NO_BASES, kind: "key" });
        break;
      }
      case "EXT-X-SESSION-DATA": {
        // Without URI it carries its VALUE inline.
        const uri = uriOf(token);
        if (uri !== undefined) add({ uri, bases: NO_BASES, kind: "media" });
        break;
      }
    }
  }
  return list.references;
}
