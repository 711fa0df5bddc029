/**
 * Inlines fetched DASH remote elements into the MPD text: each element whose `xlink:href` was fetched is replaced,
 * start tag to end tag, by the remote entity's elements (ISO/IEC 23009-1 §5.5.3: the remote entity replaces the
 * element). The result is an MPD without those links, which is what players build in memory (dash.js splices
 * the remote elements into its manifest) and what the copy stores: it plays in every player, also in those that
 * never fetch remote elements (ffmpeg). Relative URLs inside the inlined content then resolve as in the MPD.
 * Pure text in, text out: the rest of the MPD stays byte for byte.
 */
import { ManifestParseError } from "../errors.js";
import { decodeXmlReferences, refuseDtd } from "../xml.js";
import { REMOTE_ELEMENT_NAMES, RESOLVE_TO_ZERO } from "./xlink.js";

/** Comments, CDATA sections, processing instructions and tags, in document order. */
const MARKUP =
  /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<(\/?)([A-Za-z_][\w.:-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/g;
const HREF_ATTRIBUTE = /(?:^|\s)(?:[\w.-]+:)?href\s*=\s*(?:"([^"]*)"|'([^']*)')/;

const localName = (name: string) => name.slice(name.indexOf(":") + 1);

/** The remote entity's elements, as text: without an XML declaration or byte order mark; a DTD is refused. */
function remoteContent(href: string, text: string): string {
  refuseDtd(text);
  const body = text
    .replace(/^\uFEFF/, "")
    .replace(/^\s*<\?xml[\s\S]*?\?>/, "")
    .trim();
  if (body !== "" && !body.startsWith("<")) {
    throw new ManifestParseError("MALFORMED_MANIFEST", `remote element ${href} is not XML elements`);
  }
  return body;
}

interface Open {
  readonly name: string;
  readonly start: number;
  /** The href to inline at this element, when it is one. */
  readonly href: string | undefined;
}

/**
 * Returns `mpd` with every remote element whose href (as written, entities decoded) is a key of `remote`
 * replaced by that entity's text. Remote elements not in `remote`, and resolve-to-zero ones, stay as they are.
 */
export function inlineRemoteElements(mpd: string, remote: ReadonlyMap<string, string>): string {
  if (remote.size === 0) return mpd;
  const stack: Open[] = [];
  const edits: { start: number; end: number; text: string }[] = [];
  /** Depth in `stack` of the element being replaced: what is inside it goes with it. */
  let replacing = -1;
  for (const match of mpd.matchAll(MARKUP)) {
    const [tag, closing, name, attributes, selfClosing] = match;
    if (name === undefined) continue; // comment, CDATA, processing instruction
    const start = match.index;
    const end = start + tag.length;
    if (closing === "/") {
      const open = stack.pop();
      if (open === undefined || open.name !== name) {
        throw new ManifestParseError(
          "MALFORMED_MANIFEST",
          `MPD: </${name}> at character ${start} closes nothing`,
        );
      }
      if (stack.length === replacing) {
        const replaced = open.href as string;
        edits.push({ start: open.start, end, text: remoteContent(replaced, remote.get(replaced) as string) });
        replacing = -1;
      }
      continue;
    }
    const written = HREF_ATTRIBUTE.exec(attributes ?? "");
    const raw = written?.[1] ?? written?.[2];
    const href = raw === undefined ? undefined : decodeXmlReferences(raw).trim();
    const inline =
      replacing < 0 &&
      href !== undefined &&
      href !== RESOLVE_TO_ZERO &&
      REMOTE_ELEMENT_NAMES.has(localName(name)) &&
      remote.has(href);
    if (selfClosing === "/") {
      if (inline) edits.push({ start, end, text: remoteContent(href, remote.get(href) as string) });
      continue;
    }
    if (inline) replacing = stack.length;
    stack.push({ name, start, href: inline ? href : undefined });
  }
  let out = "";
  let last = 0;
  for (const edit of edits.sort((a, b) => a.start - b.start)) {
    out += mpd.slice(last, edit.start) + edit.text;
    last = edit.end;
  }
  return edits.length === 0 ? mpd : out + mpd.slice(last);
}
