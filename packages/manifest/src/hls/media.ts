import type { ResourceBudget } from "../limits.js";
import type { ByteRange, RawReference, ResourceKind } from "../types.js";
import { type ByteRangeSpec, SubRangeTracker } from "./byte-range.js";
import { isFetchableKey } from "./key-uri.js";
import { NO_BASES, ReferenceList, uriOf } from "./references.js";
import type { HlsToken } from "./tokenize.js";

function reference(uri: string, kind: ResourceKind, byteRange: ByteRange | undefined): RawReference {
  return byteRange ? { uri, bases: NO_BASES, kind, byteRange } : { uri, bases: NO_BASES, kind };
}

/**
 * Lists EXT-X-MAP and EXT-X-KEY where they appear, skipping one that repeats what is already in force. Keys are
 * tracked by KEYFORMAT, as several key systems may protect the same segments at once (RFC 8216 §4.3.2.4).
 */
class InitAndKeyTracker {
  private mapInForce: RawReference | undefined;
  private readonly keysInForce = new Map<string, string>();

  map(list: ReferenceList, uri: string | undefined, byteRange: ByteRange | undefined): void {
    if (uri === undefined) return;
    const map = reference(uri, "init", byteRange);
    if (!sameReference(map, this.mapInForce)) list.add(map);
    this.mapInForce = map;
  }

  key(
    list: ReferenceList,
    method: string | undefined,
    format: string | undefined,
    uri: string | undefined,
  ): void {
    if (method === "NONE") {
      this.keysInForce.clear();
      return;
    }
    const keyFormat = format ?? "identity";
    if (!isFetchableKey(method, uri)) {
      this.keysInForce.delete(keyFormat);
      return;
    }
    if (this.keysInForce.get(keyFormat) !== uri) list.add(reference(uri, "key", undefined));
    this.keysInForce.set(keyFormat, uri);
  }
}

function sameReference(a: RawReference, b: RawReference | undefined): boolean {
  return (
    a.uri === b?.uri &&
    a.byteRange?.offset === b.byteRange?.offset &&
    a.byteRange?.length === b.byteRange?.length
  );
}

/**
 * References of a media playlist, in document order: every segment URI (kind `segmentKind`), EXT-X-MAP init
 * sections (`init`, with their BYTERANGE), fetchable EXT-X-KEY files (`key`; a key before an EXT-X-MAP encrypts
 * that init section, so every key is listed where it appears, used by a segment or not) and EXT-X-PART parts.
 *
 * Decisions (RFC 8216bis):
 * - EXT-X-GAP segments and GAP=YES parts are left out: the origin need not serve them and clients must not load
 *   them (§4.4.4.7, §4.4.4.9), so fetching them could only fail a harvest.
 * - EXT-X-PART parts are listed: they are files (or ranges) the playlist refers to and players load, including
 *   the parts of the unfinished last segment. EXT-X-PRELOAD-HINT is not: it names a resource that may not exist
 *   yet. EXT-X-RENDITION-REPORT names sibling media playlists, which the multivariant playlist lists.
 * - A sub-range without offset continues the previous sub-range of the same URI; segments and parts are counted
 *   apart (a segment's range follows the previous segment's, a part's the previous part's).
 * - An EXT-X-MAP or EXT-X-KEY repeating the one in force is not listed again (packagers repeat them after each
 *   discontinuity or on every segment); a different one, e.g. a new MAP after a discontinuity, is.
 * - Segment tags with no URI line after them (end of text) describe no segment and are ignored.
 */
export function mediaReferences(
  tokens: Iterable<HlsToken>,
  segmentKind: ResourceKind,
  budget: ResourceBudget,
): RawReference[] {
  const list = new ReferenceList(budget);
  const initAndKeys = new InitAndKeyTracker();
  const segmentRanges = new SubRangeTracker();
  const partRanges = new SubRangeTracker();
  let nextRange: ByteRangeSpec | undefined;
  let nextIsGap = false;

  for (const token of tokens) {
    if (token.type === "uri") {
      const byteRange = nextRange ? segmentRanges.place(token.uri, nextRange) : undefined;
      if (!nextIsGap) list.add(reference(token.uri, segmentKind, byteRange));
      nextRange = undefined;
      nextIsGap = false;
      continue;
    }
    switch (token.name) {
      case "EXT-X-BYTERANGE":
        nextRange = token.byteRange;
        break;
      case "EXT-X-GAP":
        nextIsGap = true;
        break;
      case "EXT-X-MAP": {
        const range = token.byteRange;
        // EXT-X-MAP's BYTERANGE always starts at its offset, 0 when left out.
        initAndKeys.map(list, uriOf(token), range && { offset: range.offset ?? 0, length: range.length });
        break;
      }
      case "EXT-X-KEY":
        initAndKeys.key(list, token.attributes.METHOD, token.attributes.KEYFORMAT, uriOf(token));
        break;
      case "EXT-X-PART": {
        const uri = uriOf(token);
        if (uri === undefined) break;
        const byteRange = token.byteRange ? partRanges.place(uri, token.byteRange) : undefined;
        if (token.attributes.GAP !== "YES") list.add(reference(uri, segmentKind, byteRange));
        break;
      }
    }
  }
  return list.references;
}
