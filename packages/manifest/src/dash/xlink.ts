import { RemoteElementsNeededError } from "../errors.js";
import type { XmlElement } from "../xml.js";

/**
 * Elements the MPD schemas let carry @xlink:href (remote elements, ISO/IEC 23009-1 §5.5): PeriodType,
 * AdaptationSetType, EventStreamType, SegmentListType and InitializationSetType in DASH-MPD.xsd, and
 * UrlQueryInfoType (UrlQueryInfo, ExtUrlQueryInfo, ExtHttpHeaderInfo) in DASH-MPD-UP.xsd (Annex I).
 */
export const REMOTE_ELEMENT_NAMES: ReadonlySet<string> = new Set([
  "Period",
  "AdaptationSet",
  "EventStream",
  "SegmentList",
  "InitializationSet",
  "UrlQueryInfo",
  "ExtUrlQueryInfo",
  "ExtHttpHeaderInfo",
]);

/**
 * ISO/IEC 23009-1 §5.5.3: this @xlink:href resolves to an empty remote entity, so the element is removed from
 * the MPD without any request (dash.js and Shaka Player drop it the same way).
 */
export const RESOLVE_TO_ZERO = "urn:mpeg:dash:resolve-to-zero:2013";

/**
 * The element's @xlink:href, or undefined. The shared XML reader drops namespace prefixes and the xmlns
 * declarations themselves (fast-xml-parser `removeNSPrefix`), so the namespace URI cannot be checked: the local
 * name `href` is matched whatever its prefix. That covers the xlink namespace bound to any prefix; an `href` of
 * another namespace on these elements (none is defined) would be refused too, loudly, never dropped silently.
 */
export function xlinkHrefOf(element: XmlElement): string | undefined {
  if (!REMOTE_ELEMENT_NAMES.has(element.name)) return undefined;
  return element.attributes.get("href")?.trim();
}

/** `Period id="p1"`, or `AdaptationSet[2]` (its place among same-named siblings) when it has no @id. */
function elementLabel(element: XmlElement, siblings: readonly XmlElement[]): string {
  const id = element.attributes.get("id");
  if (id !== undefined) return `${element.name} id="${id}"`;
  const place = siblings.filter((sibling) => sibling.name === element.name).indexOf(element) + 1;
  return `${element.name}[${place}]`;
}

/** `Period id="p0" > AdaptationSet[2]`: where the element is, from below the root. */
function elementPath(ancestors: readonly XmlElement[], element: XmlElement): string {
  const chain = [...ancestors, element];
  return chain
    .slice(1)
    .map((item, index) => elementLabel(item, (chain[index] as XmlElement).children))
    .join(" > ");
}

/** A remote element met during the walk: where it is (for the message) and its href as written. */
interface RemoteElement {
  readonly path: string;
  readonly href: string;
}

// `ancestors` is one stack pushed and popped during the walk: a SegmentList may hold 100,000 children.
function resolveChildren(element: XmlElement, ancestors: XmlElement[], remote: RemoteElement[]): XmlElement {
  let kept: XmlElement[] | undefined; // allocated only once something changes: most MPDs have no xlink at all
  ancestors.push(element);
  element.children.forEach((child, index) => {
    const href = xlinkHrefOf(child);
    if (href === RESOLVE_TO_ZERO) {
      kept ??= element.children.slice(0, index);
      return;
    }
    if (href !== undefined) {
      // Its own content is replaced by the remote one: nothing inside it counts.
      remote.push({ path: elementPath(ancestors, child), href });
      return;
    }
    const resolved = resolveChildren(child, ancestors, remote);
    if (kept === undefined && resolved !== child) kept = element.children.slice(0, index);
    kept?.push(resolved);
  });
  ancestors.pop();
  return kept === undefined ? element : { ...element, children: kept };
}

/**
 * Applies the MPD's xlink attributes without fetching anything: an element resolving to zero is removed (with
 * everything inside it); any other remote element (onLoad or onRequest: a copy needs them all) makes the parse
 * fail with RemoteElementsNeededError listing every href, since leaving them out would report a partial copy as
 * complete. Returns the MPD itself when it has no xlink.
 */
export function resolveXlinks(mpd: XmlElement): XmlElement {
  const remote: RemoteElement[] = [];
  const resolved = resolveChildren(mpd, [], remote);
  const first = remote[0];
  if (first !== undefined) {
    const more = remote.length > 1 ? ` (and ${remote.length - 1} more)` : "";
    throw new RemoteElementsNeededError(
      `${first.path} is a remote element (xlink:href="${first.href}")${more}: its content must be fetched and ` +
        "inlined before the MPD is parsed (the crawl does it)",
      [...new Set(remote.map((element) => element.href))],
    );
  }
  return resolved;
}
