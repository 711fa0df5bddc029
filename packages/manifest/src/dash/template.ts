/** What a SegmentTemplate identifier is replaced with, for one segment. */
export interface TemplateValues {
  readonly representationId: string;
  readonly bandwidth: string;
  readonly number: number;
  readonly time: number;
  /** $SubNumber$: the Segment's place in its Segment Sequence, from 1 (ISO/IEC 23009-1:2022 5.3.9.4.4). */
  readonly subNumber?: number;
}

type Part = string | ((values: TemplateValues) => string);

/** A template compiled once per Representation and filled once per segment (100,000 fills must stay cheap). */
export type CompiledTemplate = (values: TemplateValues) => string;

// ISO/IEC 23009-1 5.3.9.4.4: $<Identifier>$ or $<Identifier>%0<width>d$; `$$` is a literal `$`.
const IDENTIFIER = /\$([A-Za-z]*)(?:%0?(\d+)d)?\$/g;

function padded(value: string, width: number): string {
  return value.length >= width ? value : value.padStart(width, "0");
}

function identifierPart(identifier: string, width: number): Part | undefined {
  switch (identifier) {
    case "RepresentationID":
      // The format tag is not allowed on RepresentationID: the identifier is used as written.
      return (values) => values.representationId;
    case "Bandwidth":
      return (values) => padded(values.bandwidth, width);
    case "Number":
      return (values) => padded(String(values.number), width);
    case "Time":
      return (values) => padded(String(values.time), width);
    case "SubNumber":
      return (values) => padded(String(values.subNumber ?? 1), width);
    default:
      return undefined;
  }
}

const ALL_IDENTIFIERS: ReadonlySet<string> = new Set([
  "RepresentationID",
  "Bandwidth",
  "Number",
  "Time",
  "SubNumber",
]);
/** @initialization and a whole-Representation @index may not name a segment (ISO/IEC 23009-1 Table 16). */
export const REPRESENTATION_IDENTIFIERS: ReadonlySet<string> = new Set(["RepresentationID", "Bandwidth"]);

/**
 * Compiles `media`/`initialization`/`index` template text. Identifiers unknown or not in `identifiers` stay
 * as written rather than being given an invented value.
 */
export function compileTemplate(
  template: string,
  identifiers: ReadonlySet<string> = ALL_IDENTIFIERS,
): CompiledTemplate {
  const parts: Part[] = [];
  let last = 0;
  for (const match of template.matchAll(IDENTIFIER)) {
    const [whole, identifier = "", width = "0"] = match;
    const part =
      whole === "$$"
        ? "$"
        : identifiers.has(identifier)
          ? identifierPart(identifier, Number(width))
          : undefined;
    if (part === undefined) continue;
    parts.push(template.slice(last, match.index), part);
    last = match.index + whole.length;
  }
  parts.push(template.slice(last));
  const pieces = parts.filter((part) => part !== "");
  if (pieces.every((part) => typeof part === "string")) {
    const constant = pieces.join("");
    return () => constant;
  }
  return (values) => {
    let out = "";
    for (const part of pieces) out += typeof part === "string" ? part : part(values);
    return out;
  };
}

function namesAny(template: string, identifiers: ReadonlySet<string>): boolean {
  for (const match of template.matchAll(IDENTIFIER)) if (identifiers.has(match[1] ?? "")) return true;
  return false;
}

const PER_SEGMENT_IDENTIFIERS: ReadonlySet<string> = new Set(["Number", "Time", "SubNumber"]);
const SUB_NUMBER: ReadonlySet<string> = new Set(["SubNumber"]);

/** True when the template has $SubNumber$: each segment position then stands for a Segment Sequence. */
export function hasSubNumber(template: string): boolean {
  return namesAny(template, SUB_NUMBER);
}

/** True when the template names a per-segment value, i.e. expands to more than one file. */
export function isPerSegment(template: string): boolean {
  return namesAny(template, PER_SEGMENT_IDENTIFIERS);
}
