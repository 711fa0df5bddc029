import type { ResourceKind } from "../types.js";
import { childNamed, childrenNamed, type XmlElement } from "../xml.js";
import { segmentKindOf } from "./kind.js";
import type { PeriodTiming } from "./presentation.js";

type AddressingMode = "template" | "list" | "base" | "none";

/** A Representation's segment information after merging Period → AdaptationSet → Representation. */
export interface SegmentInfo {
  readonly mode: AddressingMode;
  /** Attributes of the chosen element type, the deepest level's value winning. */
  readonly attributes: ReadonlyMap<string, string>;
  readonly initialization: XmlElement | undefined;
  readonly representationIndex: XmlElement | undefined;
  readonly timeline: XmlElement | undefined;
  /** SegmentList only: the SegmentURL elements of the deepest level that has any. */
  readonly segmentUrls: readonly XmlElement[];
}

/** Everything needed to list one Representation's files, with nothing left to inherit. */
export interface DashRepresentation {
  readonly id: string;
  readonly bandwidth: string;
  readonly kind: Extract<ResourceKind, "media" | "subtitle" | "image">;
  /** BaseURL texts from MPD to Representation level, outermost first; one frozen array per Representation. */
  readonly bases: readonly string[];
  readonly period: PeriodTiming;
  readonly segments: SegmentInfo;
}

const ELEMENT_OF_MODE = {
  template: "SegmentTemplate",
  list: "SegmentList",
  base: "SegmentBase",
} as const satisfies Record<Exclude<AddressingMode, "none">, string>;
// At one level several kinds are not allowed; if a manifest has them anyway, prefer the most explicit.
const MODE_PREFERENCE = ["template", "list", "base"] as const;

/**
 * The first non-empty BaseURL of an element. Several BaseURLs at one level are alternates (other CDNs) holding
 * the same files: the first is used.
 */
function firstBaseUrl(element: XmlElement): string | undefined {
  return childrenNamed(element, "BaseURL").find((base) => base.text !== "")?.text;
}

/** The BaseURL chain down a path of elements (MPD, Period, AdaptationSet, Representation), frozen. */
function baseUrlChain(levels: readonly XmlElement[]): readonly string[] {
  const chain: string[] = [];
  for (const level of levels) {
    const base = firstBaseUrl(level);
    if (base !== undefined) chain.push(base);
  }
  return Object.freeze(chain);
}

/** Merges one kind of segment element found at successive levels, outermost first (ISO/IEC 23009-1 5.3.9.1). */
function mergeSegmentElements(mode: AddressingMode, elements: readonly XmlElement[]): SegmentInfo {
  const attributes = new Map<string, string>();
  let initialization: XmlElement | undefined;
  let representationIndex: XmlElement | undefined;
  let timeline: XmlElement | undefined;
  let segmentUrls: readonly XmlElement[] = [];
  for (const element of elements) {
    for (const [name, value] of element.attributes) attributes.set(name, value);
    initialization = childNamed(element, "Initialization") ?? initialization;
    representationIndex = childNamed(element, "RepresentationIndex") ?? representationIndex;
    timeline = childNamed(element, "SegmentTimeline") ?? timeline;
    const urls = childrenNamed(element, "SegmentURL");
    if (urls.length > 0) segmentUrls = urls;
  }
  return { mode, attributes, initialization, representationIndex, timeline, segmentUrls };
}

/** Chooses the addressing mode of the deepest level that has segment information, and merges that kind. */
export function segmentInfoOf(levels: readonly XmlElement[]): SegmentInfo {
  let mode: AddressingMode = "none";
  for (const level of levels) {
    mode = MODE_PREFERENCE.find((candidate) => childNamed(level, ELEMENT_OF_MODE[candidate])) ?? mode;
  }
  if (mode === "none") return mergeSegmentElements("none", []);
  const name = ELEMENT_OF_MODE[mode];
  const elements = levels.flatMap((level) => {
    const element = childNamed(level, name);
    return element ? [element] : [];
  });
  return mergeSegmentElements(mode, elements);
}

function inherited(name: string, representation: XmlElement, adaptationSet: XmlElement): string | undefined {
  return representation.attributes.get(name) ?? adaptationSet.attributes.get(name);
}

/** Flattens the MPD into its Representations, in document order, each with inherited BaseURLs and segments. */
export function flattenRepresentations(
  mpd: XmlElement,
  periods: readonly PeriodTiming[],
): DashRepresentation[] {
  const representations: DashRepresentation[] = [];
  for (const period of periods) {
    for (const adaptationSet of childrenNamed(period.element, "AdaptationSet")) {
      for (const representation of childrenNamed(adaptationSet, "Representation")) {
        const path = [period.element, adaptationSet, representation];
        representations.push({
          id: representation.attributes.get("id") ?? "",
          bandwidth: representation.attributes.get("bandwidth")?.trim() ?? "",
          kind: segmentKindOf({
            mimeType: inherited("mimeType", representation, adaptationSet),
            contentType: inherited("contentType", representation, adaptationSet),
            codecs: inherited("codecs", representation, adaptationSet),
          }),
          bases: baseUrlChain([mpd, ...path]),
          period,
          segments: segmentInfoOf(path),
        });
      }
    }
  }
  return representations;
}
