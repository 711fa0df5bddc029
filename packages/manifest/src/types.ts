/**
 * What a file is to the asset. Child playlists/manifests are `manifest`; their own segments take the kind
 * the parent gave them (a subtitle rendition's segments are `subtitle`, an I-frame playlist's are `iframe`).
 */
export type ResourceKind = "manifest" | "media" | "init" | "key" | "subtitle" | "image" | "iframe";

/**
 * The one byte-range convention of vod-harvest: `offset` is the index of the first byte, `length` the number
 * of bytes, so the last byte is `offset + length - 1`.
 * HLS `EXT-X-BYTERANGE:<n>@<o>` is `{ offset: o, length: n }`; DASH `mediaRange="a-b"` is
 * `{ offset: a, length: b - a + 1 }`.
 */
export interface ByteRange {
  readonly offset: number;
  readonly length: number;
}

export type ManifestFormat = "hls-multivariant" | "hls-media" | "dash" | "mss";

/** How a parent refers to a child playlist, so that the child's segments get the right kind. */
export type MediaRole = "media" | "subtitle" | "iframe" | "image";

/**
 * A reference as written in a manifest, not yet resolved: `uri` is the text of the reference (after template
 * expansion for DASH/MSS), `bases` the chain of base references above it (DASH BaseURL levels, outermost
 * first), each resolved against the previous one and the first against the manifest URL.
 * `bases` arrays are shared between the references of one Representation, so keep them immutable.
 */
export interface RawReference {
  readonly uri: string;
  readonly bases: readonly string[];
  readonly kind: ResourceKind;
  readonly byteRange?: ByteRange;
  /** Only for `kind: "manifest"`: what the child playlist holds. */
  readonly role?: MediaRole;
}

/**
 * HLS variables (EXT-X-DEFINE, RFC 8216bis §4.4.2.3): name → value. A Map, because `__proto__` is a valid
 * variable name.
 */
export type HlsVariables = ReadonlyMap<string, string>;

/** The result of parsing one manifest: its format and every reference in document order. */
export interface ParsedManifest {
  readonly format: ManifestFormat;
  readonly references: readonly RawReference[];
  /**
   * HLS only, absent when the playlist defines none: every variable its EXT-X-DEFINE tags gave a value (NAME,
   * QUERYPARAM or IMPORT), in definition order. A multivariant playlist's are what its children may IMPORT;
   * the QUERYPARAM values are what a stored copy, which has no query string, must define itself.
   */
  readonly variables?: HlsVariables;
}

/** A reference resolved to an absolute URL. */
export interface Reference {
  readonly url: URL;
  readonly kind: ResourceKind;
  readonly byteRange?: ByteRange;
  readonly role?: MediaRole;
}

/** One file of the asset: copied whole, once, to `key` (relative to the asset's root, see DESIGN.md). */
export interface Resource {
  readonly url: string;
  readonly key: string;
  readonly kind: ResourceKind;
}

export interface ParseOptions {
  /** Kind for the segments of an HLS media playlist, as given by its parent. Default "media". */
  readonly role?: MediaRole;
  /** Reference instant for `type="dynamic"` MPDs (the package has no clock). Default: publishTime or availabilityStartTime. */
  readonly now?: Date;
  readonly limits?: Partial<ManifestLimits>;
  /** The query of the manifest's own URL (`URL.search`, e.g. `?token=a1`), for HLS EXT-X-DEFINE QUERYPARAM. */
  readonly query?: string;
  /**
   * For HLS EXT-X-DEFINE IMPORT: the variables of the multivariant playlist that referred to this playlist (its
   * `ParsedManifest.variables`, an empty map when it defined none). Leave it out when no multivariant playlist
   * referred to this one: an IMPORT then fails.
   */
  readonly parentVariables?: HlsVariables;
}

export interface ManifestLimits {
  /** Largest manifest accepted, in UTF-16 code units of its text (about bytes for manifests). */
  readonly maxManifestBytes: number;
  /** Most references one manifest, or one asset, may produce before expansion is refused. */
  readonly maxResources: number;
  /** Most manifests one asset may have (entry + children). */
  readonly maxManifests: number;
}
