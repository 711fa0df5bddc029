import { ManifestLimitError, ManifestParseError } from "../errors.js";
import type { HlsVariables } from "../types.js";
import { type AttributeList, attributeSpans, parseAttributeList } from "./attribute-list.js";

/**
 * HLS variable substitution (RFC 8216bis §4.3 "Variable Substitution", §4.4.2.3 EXT-X-DEFINE), applied to each
 * line before anything else reads it, so that a URI or a BYTERANGE built from variables is parsed as substituted.
 */

const VARIABLE_NAME = /^[A-Za-z0-9_-]+$/;
/** `{$name}`. Global: only used through String.replace, which restarts it on every call. */
const VARIABLE_REFERENCE = /\{\$([A-Za-z0-9_-]+)\}/g;
export const DEFINE_TAG = "#EXT-X-DEFINE:";
/** Tag lines whose value is not an attribute list (EXTINF's title is free text) or is never substituted. */
const NOT_SUBSTITUTED_TAG = /^#(?:EXTINF|EXT-X-DEFINE)(?![\w-])/;
const HEXADECIMAL_SEQUENCE = /^0[xX]/;
/** Characters a quoted-string cannot hold: a value with one could neither be substituted nor stored. */
export const NOT_IN_QUOTED_STRING = /["\r\n]/;

/** Where EXT-X-DEFINE finds the values that are not written in the playlist itself. */
export interface VariableSources {
  /** IMPORT is refused in a multivariant playlist. */
  readonly multivariant: boolean;
  /** The query of the playlist's own URL (`URL.search`), for QUERYPARAM. */
  readonly query: string;
  /** The referring multivariant playlist's variables, for IMPORT; undefined when none referred to this one. */
  readonly parentVariables: HlsVariables | undefined;
}

export interface VariableDefinition {
  readonly name: string;
  readonly value: string;
}

const DEFINE_KINDS = ["NAME", "IMPORT", "QUERYPARAM"] as const;

function malformed(message: string): ManifestParseError {
  return new ManifestParseError("MALFORMED_MANIFEST", message);
}

function importedValue(name: string, sources: VariableSources, line: number): string {
  if (sources.multivariant) {
    throw malformed(
      `EXT-X-DEFINE IMPORT="${name}" at line ${line}: IMPORT is not allowed in a multivariant playlist`,
    );
  }
  if (sources.parentVariables === undefined) {
    throw new ManifestParseError(
      "UNDEFINED_VARIABLE",
      `EXT-X-DEFINE IMPORT="${name}" at line ${line}: no multivariant playlist referred to this playlist`,
    );
  }
  const value = sources.parentVariables.get(name);
  if (value === undefined) {
    throw new ManifestParseError(
      "UNDEFINED_VARIABLE",
      `EXT-X-DEFINE IMPORT="${name}" at line ${line}: the multivariant playlist does not define "${name}"`,
    );
  }
  return value;
}

/**
 * The value of query parameter `name` of the playlist's URL, decoded as URLSearchParams does. The RFC lets any of
 * several values be used: this takes the first. A parameter without a value (`?name` or `?name=`) fails like a
 * missing one, as the RFC requires for "no associated value".
 */
function queryValue(name: string, query: string, line: number): string {
  const value = new URLSearchParams(query).get(name);
  if (value === null || value === "") {
    throw new ManifestParseError(
      "UNDEFINED_VARIABLE",
      `EXT-X-DEFINE QUERYPARAM="${name}" at line ${line}: the playlist URL has no query parameter "${name}" with a value`,
    );
  }
  if (NOT_IN_QUOTED_STRING.test(value)) {
    throw malformed(
      `EXT-X-DEFINE QUERYPARAM="${name}" at line ${line}: the value holds a quote or line break, which HLS cannot carry`,
    );
  }
  return value;
}

/** Reads one EXT-X-DEFINE's attribute list into the variable it defines (exactly one of NAME, IMPORT, QUERYPARAM). */
export function readDefinition(
  attributes: AttributeList,
  sources: VariableSources,
  line: number,
): VariableDefinition {
  const kinds = DEFINE_KINDS.filter((kind) => attributes[kind] !== undefined);
  const kind = kinds[0];
  if (kind === undefined || kinds.length > 1) {
    throw malformed(`EXT-X-DEFINE at line ${line} must have exactly one of NAME, IMPORT and QUERYPARAM`);
  }
  const name = attributes[kind] as string;
  if (!VARIABLE_NAME.test(name)) {
    throw malformed(
      `EXT-X-DEFINE at line ${line}: invalid variable name "${name}" (only A-Z, a-z, 0-9, - and _)`,
    );
  }
  switch (kind) {
    case "NAME": {
      const value = attributes.VALUE;
      if (value === undefined) throw malformed(`EXT-X-DEFINE NAME="${name}" at line ${line} has no VALUE`);
      return { name, value };
    }
    case "IMPORT":
      return { name, value: importedValue(name, sources, line) };
    case "QUERYPARAM":
      return { name, value: queryValue(name, sources.query, line) };
  }
}

/** `text` with every `{$name}` replaced by its value, or undefined when a name has none. One pass. */
export function expandVariables(text: string, variables: HlsVariables): string | undefined {
  let complete = true;
  const expanded = text.replace(VARIABLE_REFERENCE, (reference, name: string) => {
    const value = variables.get(name);
    if (value !== undefined) return value;
    complete = false;
    return reference;
  });
  return complete ? expanded : undefined;
}

/**
 * `text` with every `{$name}` replaced by its value. One pass: a value that itself reads `{$other}` is not
 * replaced again. A name without a value fails the playlist (RFC 8216bis §4.3: the client MUST fail).
 */
export function substituteVariables(text: string, variables: HlsVariables, line: number): string {
  const expanded = expandVariables(text, variables);
  if (expanded !== undefined) return expanded;
  const name = [...text.matchAll(VARIABLE_REFERENCE)].find(
    (match) => !variables.has(match[1] as string),
  )?.[1];
  throw new ManifestParseError(
    "UNDEFINED_VARIABLE",
    `undefined variable "${name}" referenced at line ${line}: no EXT-X-DEFINE of it before that line`,
  );
}

/**
 * One playlist line with its references substituted where the RFC processes them: the whole of a URI line, and
 * the quoted-string and hexadecimal-sequence attribute values of a tag line. Comments, EXTINF titles and
 * EXT-X-DEFINE lines stay as written.
 */
export function substituteLine(raw: string, variables: HlsVariables, line: number): string {
  const content = raw.trimStart();
  if (content === "") return raw;
  if (!content.startsWith("#")) return substituteVariables(raw, variables, line);
  if (!content.startsWith("#EXT") || NOT_SUBSTITUTED_TAG.test(content)) return raw;
  const colon = raw.indexOf(":");
  if (colon < 0) return raw;
  let out = "";
  let last = 0;
  // Attribute by attribute, as the tokenizer will read them: a `{$` in an unquoted, non-hexadecimal value stays.
  for (const span of attributeSpans(raw, colon + 1)) {
    if (!(span.quoted || HEXADECIMAL_SEQUENCE.test(span.value))) continue;
    const value = raw.slice(span.valueStart, span.valueEnd);
    if (!value.includes("{$")) continue;
    out += raw.slice(last, span.valueStart) + substituteVariables(value, variables, line);
    last = span.valueEnd;
  }
  return last === 0 ? raw : out + raw.slice(last);
}

/** True for an EXT-X-DEFINE line, blanks around it allowed (the tokenizer trims lines). */
export function isDefineLine(raw: string): boolean {
  return raw.includes(DEFINE_TAG) && raw.trimStart().startsWith(DEFINE_TAG);
}

/**
 * The variables of one playlist as its lines go by, in order: a definition applies to the lines after it, and
 * a name may be defined once. Substitution may grow the text by at most `maxGrowth` characters in all, so that
 * a long value referenced on every line cannot exhaust memory.
 */
export class PlaylistVariables {
  private readonly defined = new Map<string, string>();
  private growth = 0;

  constructor(
    private readonly sources: VariableSources,
    private readonly maxGrowth: number,
  ) {}

  /** Every variable defined so far, in definition order. */
  get variables(): HlsVariables {
    return this.defined;
  }

  /** The line as the tokenizer must read it; an EXT-X-DEFINE line is kept as written and defines its variable. */
  apply(raw: string, line: number): string {
    if (isDefineLine(raw)) {
      const content = raw.trim();
      this.define(
        readDefinition(parseAttributeList(content.slice(DEFINE_TAG.length)), this.sources, line),
        line,
      );
      return raw;
    }
    if (!raw.includes("{$")) return raw;
    const substituted = substituteLine(raw, this.defined, line);
    this.growth += substituted.length - raw.length;
    if (this.growth > this.maxGrowth) {
      throw new ManifestLimitError(
        "MANIFEST_TOO_LARGE",
        `variable substitution at line ${line} grows the playlist beyond the limit (maxManifestBytes)`,
      );
    }
    return substituted;
  }

  private define({ name, value }: VariableDefinition, line: number): void {
    if (this.defined.has(name)) {
      throw malformed(`variable "${name}" is defined a second time by the EXT-X-DEFINE at line ${line}`);
    }
    this.defined.set(name, value);
  }
}
