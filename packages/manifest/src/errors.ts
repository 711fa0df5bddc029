/**
 * Typed errors of packages/manifest. `name` is stable: the state machine Retries/Catches on it, the command line
 * maps every ManifestError to exit code 2 (bad input).
 */
export type ManifestErrorCode =
  // ManifestParseError
  | "UNRECOGNIZED_MANIFEST"
  | "MALFORMED_MANIFEST"
  | "INVALID_URL"
  | "UNDEFINED_VARIABLE"
  | "UNSUPPORTED_FEATURE"
  // RemoteElementsNeededError
  | "REMOTE_ELEMENTS_NEEDED"
  // ManifestLimitError
  | "MANIFEST_TOO_LARGE"
  | "TOO_MANY_RESOURCES"
  | "TOO_MANY_MANIFESTS"
  | "XML_DTD_REFUSED"
  // UnsafeReferenceError
  | "UNSUPPORTED_SCHEME"
  | "FORBIDDEN_ADDRESS"
  | "FOREIGN_ORIGIN"
  | "KEY_ESCAPES_ROOT"
  // KeyCollisionError
  | "KEY_COLLISION";

export class ManifestError extends Error {
  readonly code: ManifestErrorCode;
  constructor(code: ManifestErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ManifestError";
    this.code = code;
  }
}

/**
 * The text is not a manifest we know, or is broken beyond reading. UNDEFINED_VARIABLE: an HLS variable that is
 * referenced or imported has no value (RFC 8216bis §4.3: the client MUST fail to parse the playlist).
 * UNSUPPORTED_FEATURE: the manifest needs something this package does not do, so parsing on would copy only part
 * of the asset.
 */
export class ManifestParseError extends ManifestError {
  constructor(
    code:
      | "UNRECOGNIZED_MANIFEST"
      | "MALFORMED_MANIFEST"
      | "INVALID_URL"
      | "UNDEFINED_VARIABLE"
      | "UNSUPPORTED_FEATURE",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.name = "ManifestParseError";
  }
}

/**
 * A DASH MPD with remote elements (`xlink:href`, ISO/IEC 23009-1 §5.5) cannot be parsed alone: its content is
 * elsewhere. `hrefs` are the references as written (relative to the MPD's URL); a crawler fetches them, inlines
 * them with inlineRemoteElements and parses again (enumerateAsset does). Parsing on would copy part of the asset.
 */
export class RemoteElementsNeededError extends ManifestError {
  readonly hrefs: readonly string[];
  constructor(message: string, hrefs: readonly string[]) {
    super("REMOTE_ELEMENTS_NEEDED", message);
    this.name = "RemoteElementsNeededError";
    this.hrefs = hrefs;
  }
}

/** Hostile or absurd input refused before it can hang or exhaust memory. */
export class ManifestLimitError extends ManifestError {
  constructor(
    code: "MANIFEST_TOO_LARGE" | "TOO_MANY_RESOURCES" | "TOO_MANY_MANIFESTS" | "XML_DTD_REFUSED",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.name = "ManifestLimitError";
  }
}

/** A reference the key rule refuses: another origin, a bad scheme, a metadata address, a key escaping root. */
export class UnsafeReferenceError extends ManifestError {
  readonly url: string;
  constructor(
    code: "UNSUPPORTED_SCHEME" | "FORBIDDEN_ADDRESS" | "FOREIGN_ORIGIN" | "KEY_ESCAPES_ROOT",
    url: string,
    message: string,
  ) {
    super(code, message);
    this.name = "UnsafeReferenceError";
    this.url = url;
  }
}

/** Two different URLs would be stored under one key. */
export class KeyCollisionError extends ManifestError {
  readonly key: string;
  readonly urls: readonly [string, string];
  constructor(key: string, first: string, second: string) {
    super("KEY_COLLISION", `two different URLs map to the key "${key}": ${first} and ${second}`);
    this.name = "KeyCollisionError";
    this.key = key;
    this.urls = [first, second];
  }
}
