import { ManifestParseError } from "../errors.js";
import { childrenNamed, parseXml, type XmlElement } from "../xml.js";

/** One `c` element (MS-SSTR 2.2.2.6 StreamFragmentElement) with its attributes checked but not yet expanded. */
export interface MssChunk {
  /** FragmentTime `t`, in the stream's timescale. 64-bit, hence bigint. */
  readonly time?: bigint;
  /** FragmentDuration `d`. */
  readonly duration?: bigint;
  /** FragmentRepeat `r`: how many fragments this element stands for (one-based, default 1). */
  readonly repeat: bigint;
}

/** One QualityLevel (MS-SSTR 2.2.2.5 TrackElement): what its fragment URLs need. */
interface MssQualityLevel {
  /** Bitrate as written (decimal digits), substituted verbatim into the URL. */
  readonly bitrate: string | undefined;
  /** CustomAttributes > Attribute Name/Value pairs, in document order. */
  readonly customAttributes: readonly (readonly [name: string, value: string])[];
}

/** One StreamIndex (MS-SSTR 2.2.2.3 StreamElement). */
export interface MssStream {
  readonly type: string | undefined;
  readonly subtype: string | undefined;
  readonly fourCC: string | undefined;
  /** The Url pattern; absent for embedded tracks, which have no fragments to request. */
  readonly url: string | undefined;
  /** ManifestOutput="TRUE": the samples are inside the manifest itself. */
  readonly manifestOutput: boolean;
  readonly qualityLevels: readonly MssQualityLevel[];
  readonly chunks: readonly MssChunk[];
}

export interface MssDocument {
  readonly streams: readonly MssStream[];
}

function malformed(message: string): ManifestParseError {
  return new ManifestParseError("MALFORMED_MANIFEST", message);
}

/** An unsigned decimal integer attribute (STRING-UINT64), or undefined when absent. */
function readUnsigned(element: XmlElement, name: string, where: string): bigint | undefined {
  const value = element.attributes.get(name);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw malformed(`${where}: ${name}="${value}" is not an unsigned integer`);
  return BigInt(value);
}

function readChunk(element: XmlElement, where: string): MssChunk {
  const time = readUnsigned(element, "t", where);
  const duration = readUnsigned(element, "d", where);
  const repeat = readUnsigned(element, "r", where) ?? 1n;
  if (repeat < 1n) throw malformed(`${where}: r="0" (r counts fragments and is one-based)`);
  return {
    ...(time !== undefined ? { time } : {}),
    ...(duration !== undefined ? { duration } : {}),
    repeat,
  };
}

function readQualityLevel(element: XmlElement, where: string): MssQualityLevel {
  const bitrate = element.attributes.get("Bitrate");
  if (bitrate !== undefined && !/^\d+$/.test(bitrate)) {
    throw malformed(`${where}: Bitrate="${bitrate}" is not an unsigned integer`);
  }
  const customAttributes = childrenNamed(element, "CustomAttributes")
    .flatMap((group) => childrenNamed(group, "Attribute"))
    .map((attribute): readonly [string, string] => {
      const name = attribute.attributes.get("Name");
      const value = attribute.attributes.get("Value");
      if (name === undefined || value === undefined)
        throw malformed(`${where}: Attribute without Name or Value`);
      return [name, value];
    });
  return { bitrate, customAttributes };
}

function readStream(element: XmlElement, index: number): MssStream {
  const where = `StreamIndex ${index + 1}`;
  const { attributes } = element;
  return {
    type: attributes.get("Type"),
    subtype: attributes.get("Subtype"),
    fourCC: attributes.get("FourCC"),
    url: attributes.get("Url"),
    manifestOutput: attributes.get("ManifestOutput")?.toUpperCase() === "TRUE",
    qualityLevels: childrenNamed(element, "QualityLevel").map((level, i) =>
      readQualityLevel(level, `${where}, QualityLevel ${i + 1}`),
    ),
    chunks: childrenNamed(element, "c").map((chunk, i) => readChunk(chunk, `${where}, c ${i + 1}`)),
  };
}

/** Reads a Smooth Streaming client manifest into the parts that locate fragments, matching local names. */
export function readMssDocument(text: string): MssDocument {
  const root = parseXml(text);
  if (root.name !== "SmoothStreamingMedia") {
    throw malformed(`not a Smooth Streaming manifest: root element <${root.name}>`);
  }
  return { streams: childrenNamed(root, "StreamIndex").map(readStream) };
}
