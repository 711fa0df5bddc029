import { type EntityDecoderOptions, XMLParser } from "fast-xml-parser";
import { ManifestLimitError, ManifestParseError } from "../errors.js";

/** One XML element, by local name (namespace prefixes dropped), with its attributes by local name. */
export interface XmlElement {
  readonly name: string;
  readonly attributes: ReadonlyMap<string, string>;
  readonly children: readonly XmlElement[];
  /** Concatenated character data directly inside the element (text and CDATA), trimmed. */
  readonly text: string;
}

/**
 * A DTD is the only way to declare entities, so refusing it rules out entity bombs and external entities
 * before the parser sees a byte. Over-cautious by design: the words inside a comment are refused too.
 */
export function refuseDoctype(text: string): void {
  if (/<!(?:DOCTYPE|ENTITY)/i.test(text)) {
    throw new ManifestLimitError("XML_DTD_REFUSED", "XML DOCTYPE/ENTITY declarations are refused in an MPD");
  }
}

const PREDEFINED: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
const REFERENCE = /&(?:#(\d{1,7})|#x([0-9a-fA-F]{1,6})|(amp|lt|gt|quot|apos));/g;

function codePoint(value: number, match: string): string {
  return value <= 0x10ffff ? String.fromCodePoint(value) : match;
}

/** Decodes the five predefined XML entities and character references; any other `&name;` stays as written. */
export function decodeXmlReferences(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(REFERENCE, (match, decimal?: string, hex?: string, name?: string) => {
    if (decimal !== undefined) return codePoint(Number(decimal), match);
    if (hex !== undefined) return codePoint(Number.parseInt(hex, 16), match);
    return PREDEFINED[name ?? ""] ?? match;
  });
}

// fast-xml-parser's own decoder accepts DOCTYPE entities and, without htmlEntities, no character references.
const predefinedOnlyDecoder: EntityDecoderOptions = {
  setExternalEntities: () => {},
  addInputEntities: () => {},
  reset: () => {},
  setXmlVersion: () => {},
  decode: decodeXmlReferences,
};

const ATTRIBUTES = ":@";
const TEXT = "#text";

const parser = new XMLParser({
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
  // Names such as "constructor" are harmless here: every map we build is a Map.
  onDangerousProperty: (name) => `__unsafe_${name}`,
});

type OrderedNode = Record<string, unknown>;

function toElement(name: string, node: OrderedNode): XmlElement {
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
    else children.push(toElement(childName, child));
  }
  return { name, attributes, children, text: text.trim() };
}

/** Parses XML text into a tree of local names. Refuses DTDs; malformed XML is a ManifestParseError. */
export function parseXml(text: string): XmlElement {
  refuseDoctype(text);
  let nodes: OrderedNode[];
  try {
    nodes = parser.parse(text) as OrderedNode[];
  } catch (cause) {
    throw new ManifestParseError("MALFORMED_MANIFEST", `malformed XML: ${(cause as Error).message}`, { cause });
  }
  for (const node of nodes) {
    const name = Object.keys(node).find((key) => key !== ATTRIBUTES && key !== TEXT);
    if (name !== undefined) return toElement(name, node);
  }
  throw new ManifestParseError("MALFORMED_MANIFEST", "malformed XML: no root element");
}

/** The first child element with this local name. */
export function childNamed(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((child) => child.name === name);
}

/** Every child element with this local name, in document order. */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => child.name === name);
}
