import type { ByteRange, RawReference, ResourceKind } from "../types.js";
import type { XmlElement } from "../xml.js";
import type { DashRepresentation } from "./inherit.js";
import { parseByteRange, parseNumber } from "./values.js";

/** A Representation's references by role, before they are put in their final order. */
export interface RepresentationReferences {
  readonly init: RawReference[];
  readonly index: RawReference[];
  readonly media: RawReference[];
}

export function reference(
  uri: string,
  bases: readonly string[],
  kind: ResourceKind,
  byteRange?: ByteRange | undefined,
): RawReference {
  return byteRange ? { uri, bases, kind, byteRange } : { uri, bases, kind };
}

/** A numeric attribute of merged segment information, or its default. */
export function numberAttribute(
  attributes: ReadonlyMap<string, string>,
  name: string,
  fallback: number,
): number;
export function numberAttribute(attributes: ReadonlyMap<string, string>, name: string): number | undefined;
export function numberAttribute(
  attributes: ReadonlyMap<string, string>,
  name: string,
  fallback?: number,
): number | undefined {
  const text = attributes.get(name);
  return text === undefined || text.trim() === "" ? fallback : parseNumber(text, `@${name}`);
}

function rangeAttribute(element: XmlElement, name: string): ByteRange | undefined {
  const text = element.attributes.get(name);
  return text === undefined ? undefined : parseByteRange(text);
}

/**
 * An Initialization or RepresentationIndex element (URLType): `sourceURL`, or the Representation's own file
 * (its BaseURL) when absent, with an optional `range`.
 */
export function urlTypeReference(
  element: XmlElement,
  representation: DashRepresentation,
  kind: ResourceKind,
): RawReference {
  return reference(
    element.attributes.get("sourceURL")?.trim() ?? "",
    representation.bases,
    kind,
    rangeAttribute(element, "range"),
  );
}

/** SegmentList: one media reference per SegmentURL (the BaseURL itself when `media` is absent), plus indexes. */
export function segmentListReferences(
  representation: DashRepresentation,
  reserve: (count: number) => void,
): RepresentationReferences {
  const { segments, bases, kind } = representation;
  reserve(segments.segmentUrls.length);
  const init = segments.initialization
    ? [urlTypeReference(segments.initialization, representation, "init")]
    : [];
  const index = segments.representationIndex
    ? [urlTypeReference(segments.representationIndex, representation, kind)]
    : [];
  const media: RawReference[] = [];
  for (const segmentUrl of segments.segmentUrls) {
    media.push(
      reference(
        segmentUrl.attributes.get("media")?.trim() ?? "",
        bases,
        kind,
        rangeAttribute(segmentUrl, "mediaRange"),
      ),
    );
    const indexUri = segmentUrl.attributes.get("index")?.trim();
    const indexRange = rangeAttribute(segmentUrl, "indexRange");
    if (indexUri !== undefined || indexRange) index.push(reference(indexUri ?? "", bases, kind, indexRange));
  }
  return { init, index, media };
}

/**
 * SegmentBase: the Representation is one file, its BaseURL; Initialization and the index (RepresentationIndex
 * or @indexRange) are ranges of it, or other files when they name a sourceURL.
 */
export function segmentBaseReferences(representation: DashRepresentation): RepresentationReferences {
  const { segments, bases, kind } = representation;
  const init = segments.initialization
    ? [urlTypeReference(segments.initialization, representation, "init")]
    : [];
  const indexRange = segments.attributes.get("indexRange");
  const index = segments.representationIndex
    ? [urlTypeReference(segments.representationIndex, representation, kind)]
    : indexRange !== undefined
      ? [reference("", bases, kind, parseByteRange(indexRange))]
      : [];
  return { init, index, media: [reference("", bases, kind)] };
}

/** A Representation with no segment information: its BaseURL is its one media file. */
export function baseUrlOnlyReferences(representation: DashRepresentation): RepresentationReferences {
  return { init: [], index: [], media: [reference("", representation.bases, representation.kind)] };
}
