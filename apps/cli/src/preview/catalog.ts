// The harvested copies under a preview root, found by their completion records (a copy without one is not
// complete and is not offered), each with what the page shows and the player it needs.
import { COMPLETION_RECORD_KEY, parseRecord } from "@vod-harvest/harvest";
import { detectFormat } from "@vod-harvest/manifest";
import { type ObjectSink, readObjectText } from "@vod-harvest/s3-sink/base";

type PlayerKind = "hls" | "dash" | "mss";

export interface PreviewCopy {
  /** The copy's directory under the root ("" when the root is the copy itself); also its id on the page. */
  readonly id: string;
  /** Key of the entry manifest under the root. */
  readonly entry: string;
  readonly format: PlayerKind;
  readonly objects: number;
  readonly bytes: number;
  readonly completedAt: string;
  readonly source: string;
}

interface PreviewProblem {
  readonly id: string;
  readonly problem: string;
}

export interface PreviewCatalog {
  readonly location: string;
  readonly copies: readonly PreviewCopy[];
  /** Records that could not be read, entries that are missing or not a manifest: shown, not hidden. */
  readonly problems: readonly PreviewProblem[];
}

/** Enough of a manifest to tell its format (detectFormat reads the first 4 KiB). */
const HEAD_BYTES = 64 * 1024;

async function describeCopy(
  sink: ObjectSink,
  sizes: ReadonlyMap<string, number>,
  recordKey: string,
): Promise<PreviewCopy> {
  const id = recordKey.slice(0, -COMPLETION_RECORD_KEY.length).replace(/\/$/, "");
  const record = parseRecord(await readObjectText(sink, recordKey));
  const entry = id === "" ? record.entry : `${id}/${record.entry}`;
  const size = sizes.get(entry);
  if (size === undefined) throw new Error(`the entry manifest ${record.entry} is missing`);
  // Only the first bytes: an empty object has no range to ask for.
  const range = size > 0 ? { offset: 0, length: Math.min(size, HEAD_BYTES) } : undefined;
  const head = await readObjectText(sink, entry, undefined, range);
  return {
    id,
    entry,
    format: detectFormat(head.charCodeAt(0) === 0xfeff ? head.slice(1) : head),
    objects: record.objects,
    bytes: record.bytes,
    completedAt: record.completedAt,
    source: record.source,
  };
}

export async function loadCatalog(sink: ObjectSink, signal?: AbortSignal): Promise<PreviewCatalog> {
  const records: string[] = [];
  const sizes = new Map<string, number>();
  for await (const { key, size } of sink.list(undefined, signal)) {
    sizes.set(key, size);
    if (key === COMPLETION_RECORD_KEY || key.endsWith(`/${COMPLETION_RECORD_KEY}`)) records.push(key);
  }
  records.sort();
  const copies: PreviewCopy[] = [];
  const problems: PreviewProblem[] = [];
  for (const key of records) {
    try {
      copies.push(await describeCopy(sink, sizes, key));
    } catch (error) {
      problems.push({
        id: key.slice(0, -COMPLETION_RECORD_KEY.length).replace(/\/$/, ""),
        problem: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return { location: sink.location, copies, problems };
}
