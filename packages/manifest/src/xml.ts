import { type EntityDecoderOptions, XMLParser } from "fast-xml-parser";
import { ManifestLimitError, ManifestParseError } from "./errors.js";

/** One XML element, by local name (namespace prefixes dropped), with its attributes by local name. */
export interface XmlElement {
  readonly name: string;
  readonly attributes: ReadonlyMap<string, string>;
  readonly children: readonly XmlElement[];
  /** Character data directly inside the element (text and CDATA), concatenated and trimmed. */
  readonly text: string;
  /** For elements parsed as raw content (see XmlReader): their content as unparsed XML; children stay empty. */
  readonly raw?: string;
}

/**
 * Refuses any DOCTYPE or ENTITY declaration before parsing. A DTD is the only way to declare entities, so this
 * rules out entity bombs and external entities before the parser sees a byte. Over-cautious by design: the words
 * inside a comment are refused too; manifests never need a DTD.
 */
export function refuseDtd(text: string): void {
  const declaration = /<!\s*(DOCTYPE|ENTITY)/i.exec(text);
  if (declaration) {
    throw new ManifestLimitError(
      "XML_DTD_REFUSED",
      `XML ${declaration[1]?.toUpperCase()} declarations are refused (at character ${declaration.index})`,
    );
  }
}

const PREDEFINED: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
const REFERENCE = /&(?:#(\d{1,7})|#x([0-9a-fA-F]{1,6})|(amp|lt|gt|quot|apos));/g;

function fromCodePoint(value: number, reference: string): string {
  return value <= 0x10ffff ? String.fromCodePoint(value) : reference;
}

/** Decodes the five predefined XML entities and character references; any other `&name;` stays as written. */
export function decodeXmlReferences(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(REFERENCE, (reference, decimal?: string, hex?: string, name?: string) => {
    if (decimal !== undefined) return fromCodePoint(Number(decimal), reference);
    if (hex !== undefined) return fromCodePoint(Number.parseInt(hex, 16), reference);
    return PREDEFINED[name ?? ""] ?? reference;
  });
}

// fast-xml-parser's own decoder honours DOCTYPE entities and decodes character references only together with
// HTML entities: this one does exactly what XML without a DTD allows.
const predefinedOnlyDecoder: EntityDecoderOptions = {
  setExternalEntities: () => {},
  addInputEntities: () => {},
  reset: () => {},
  setXmlVersion: () => {},
  decode: decodeXmlReferences,
};

const ATTRIBUTES = ":@";
const TEXT = "#text";

/**
 * An XMLParser with the options every manifest parser needs: document order kept, attributes kept as strings
 * (a 64-bit time must not become a rounded number), namespace prefixes removed so that names match on local
 * names, only XML's own entities. Call `refuseDtd` first, or use `parseXml`.
 */
function createXmlParser(rawContentElements: readonly string[] = []): XMLParser {
  return new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: "",
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    processEntities: true,
    entityDecoder: predefinedOnlyDecoder,
    ignoreDeclaration: true,
    ignorePiTags: true,
    // Names such as "constructor" are harmless here: attributes end up in a Map.
    onDangerousProperty: (name) => `__unsafe_${name}`,
    stopNodes: rawContentElements.map((name) => `*.${name}`),
  });
}

type OrderedNode = Record<string, unknown>;

function toElement(name: string, node: OrderedNode, rawContent: ReadonlySet<string>): XmlElement {
  const attributes = new Map<string, string>();
  const rawAttributes = node[ATTRIBUTES] as Record<string, unknown> | undefined;
  if (rawAttributes) {
    for (const key of Object.keys(rawAttributes)) attributes.set(key, String(rawAttributes[key]));
  }
  const children: XmlElement[] = [];
  let text = "";
  for (const child of (node[name] as OrderedNode[] | undefined) ?? []) {
    const childName = Object.keys(child).find((key) => key !== ATTRIBUTES);
    if (childName === undefined) continue;
    if (childName === TEXT) text += String(child[TEXT]);
    else children.push(toElement(childName, child, rawContent));
  }
  if (rawContent.has(name)) return { name, attributes, children, text: "", raw: text };
  return { name, attributes, children, text: text.trim() };
}

/** Parses XML text into a tree of local names; one reader per set of raw-content elements, reused. */
export type XmlReader = (text: string) => XmlElement;

/**
 * A reader that refuses DTDs, checks that the text is well-formed XML and parses it into a tree of local names.
 * Elements named in `rawContentElements` keep their content as unparsed text for a dedicated step (a DASH
 * SegmentTimeline can hold 100,000 `S` elements: lexing them directly is ten times cheaper than generic nodes).
 * Malformed XML is a ManifestParseError MALFORMED_MANIFEST, never a plain Error.
 */
export function createXmlReader(rawContentElements: readonly string[] = []): XmlReader {
  const parser = createXmlParser(rawContentElements);
  const rawContent = new Set(rawContentElements);
  return (text) => {
    refuseDtd(text);
    let nodes: OrderedNode[];
    try {
      // `true`: validate first, so that unclosed or mismatched tags are refused instead of silently repaired.
      nodes = parser.parse(text, true) as OrderedNode[];
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new ManifestParseError("MALFORMED_MANIFEST", `malformed XML: ${reason}`, { cause });
    }
    for (const node of nodes) {
      const name = Object.keys(node).find((key) => key !== ATTRIBUTES && key !== TEXT);
      if (name !== undefined) return toElement(name, node, rawContent);
    }
    throw new ManifestParseError("MALFORMED_MANIFEST", "malformed XML: no root element");
  };
}

/** The plain reader: no raw-content elements. */
export const parseXml: XmlReader = createXmlReader();

/** The first child element with this local name. */
export function childNamed(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((child) => child.name === name);
}

/** Every child element with this local name, in document order. */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => child.name === name);
}
