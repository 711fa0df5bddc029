// The harvested copies under a preview root, found by their completion records (a copy without one is not
// complete and is not offered), each with what the page shows and the player it needs.
import { COMPLETION_RECORD_KEY, parseRecord } from "@vod-harvest/harvest";
import { detectFormat } from "@vod-harvest/manifest";
import type { PreviewStore } from "./store.js";

export type PlayerKind = "hls" | "dash" | "mss";

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

export interface PreviewProblem {
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

async function readText(store: PreviewStore, key: string, limit?: number): Promise<string | undefined> {
  const file = await store.open(key, limit ? { offset: 0, length: limit } : undefined);
  if (file === undefined) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of file.body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function describeCopy(store: PreviewStore, recordKey: string): Promise<PreviewCopy> {
  const id = recordKey.slice(0, -COMPLETION_RECORD_KEY.length).replace(/\/$/, "");
  const record = parseRecord((await readText(store, recordKey)) ?? "");
  const entry = id === "" ? record.entry : `${id}/${record.entry}`;
  const head = await readText(store, entry, HEAD_BYTES);
  if (head === undefined) throw new Error(`the entry manifest ${record.entry} is missing`);
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

export async function loadCatalog(store: PreviewStore, signal?: AbortSignal): Promise<PreviewCatalog> {
  const records: string[] = [];
  for await (const key of store.list(signal)) {
    if (key === COMPLETION_RECORD_KEY || key.endsWith(`/${COMPLETION_RECORD_KEY}`)) records.push(key);
  }
  records.sort();
  const copies: PreviewCopy[] = [];
  const problems: PreviewProblem[] = [];
  for (const key of records) {
    try {
      copies.push(await describeCopy(store, key));
    } catch (error) {
      problems.push({
        id: key.slice(0, -COMPLETION_RECORD_KEY.length).replace(/\/$/, ""),
        problem: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return { location: store.location, copies, problems };
}
