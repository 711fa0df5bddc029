/**
 * A checksum journal in a local file (the command line's `ProgressStore`): one JSON line per written object,
 * appended once the object is stored (the lines of one turn of the event loop in one write), so a run killed at
 * any point leaves a journal that vouches only for what it wrote; a kill loses at most the last turn's lines, whose
 * objects a rerun fetches again. It lives in a state directory, never in the destination: the content prefix holds
 * only the asset's files and its completion record. One file per (destination, source) pair, so another asset copied into
 * the same destination trusts nothing of this one.
 */
import { createHash } from "node:crypto";
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { isRecordedObject, type RecordedObject } from "./record.js";
import type { JournaledObject, ProgressStore } from "./stored-object.js";

const FORMAT = "vod-harvest-journal";

interface JournalHeader {
  readonly format: typeof FORMAT;
  readonly version: 1;
  readonly destination: string;
  readonly source: string;
}

/** `VOD_HARVEST_STATE_DIR`, else `$XDG_STATE_HOME/vod-harvest`, else `~/.local/state/vod-harvest`. */
export function defaultStateDirectory(env: NodeJS.ProcessEnv = process.env): string {
  if (env.VOD_HARVEST_STATE_DIR) return env.VOD_HARVEST_STATE_DIR;
  const base = env.XDG_STATE_HOME || join(homedir(), ".local", "state");
  return join(base, "vod-harvest");
}

/** The journal file of one destination and source (the source without credentials or query, see sourceOf). */
export function journalPathFor(stateDirectory: string, destination: string, source: string): string {
  const id = createHash("sha256").update(`${destination}\n${source}`).digest("hex").slice(0, 32);
  return join(stateDirectory, "journals", `${id}.jsonl`);
}

/**
 * The entries of a journal's text. Lines that do not parse are dropped rather than fatal (a kill can tear the last
 * one; an entry lost only means an object fetched again), and a header for another pair disowns the whole file.
 */
export function parseJournal(text: string, header: JournalHeader): Map<string, JournaledObject> {
  const entries = new Map<string, JournaledObject>();
  const lines = text.split("\n");
  const first = parseLine(lines[0] ?? "") as Partial<JournalHeader> | undefined;
  if (
    first?.format !== FORMAT ||
    first.version !== 1 ||
    first.destination !== header.destination ||
    first.source !== header.source
  ) {
    return entries;
  }
  for (const line of lines.slice(1)) {
    const entry = parseLine(line);
    if (isRecordedObject(entry)) entries.set(entry.key, { size: entry.size, checksum: entry.checksum });
  }
  return entries;
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

export interface FileProgressStore extends ProgressStore {
  readonly path: string;
  append(entry: RecordedObject): void;
  /** Closes the file; entries appended later reopen it. */
  close(): void;
  /** Deletes the journal (a complete copy's record says everything it said; an overwrite starts afresh). */
  remove(): Promise<void>;
}

export function createFileProgressStore(options: {
  readonly path: string;
  readonly destination: string;
  readonly source: string;
}): FileProgressStore {
  const header: JournalHeader = {
    format: FORMAT,
    version: 1,
    destination: options.destination,
    source: options.source,
  };
  let fd: number | undefined;
  let loaded: ReadonlyMap<string, JournaledObject> = new Map();
  /** Lines appended this turn of the event loop, written together at its end (a write each cost 15 µs). */
  let lines: string[] = [];
  /** A failed deferred write, thrown by the next append or save (the engine then fails the run, see journal.ts). */
  let failure: { readonly error: unknown } | undefined;
  const writeLines = () => {
    if (lines.length === 0) return;
    if (fd === undefined) {
      mkdirSync(dirname(options.path), { recursive: true, mode: 0o700 });
      // Rewritten from the header on each open: a file of another pair, or with a torn last line, is replaced
      // by what this run trusts (loaded) and then learns.
      fd = openSync(options.path, "w", 0o600);
      const known = [header, ...[...loaded].map(([key, { size, checksum }]) => ({ key, size, checksum }))];
      writeSync(fd, `${known.map((line) => JSON.stringify(line)).join("\n")}\n`);
    }
    const text = `${lines.join("\n")}\n`;
    lines = [];
    // A kill can tear at most the last line written; parseJournal drops it.
    writeSync(fd, text);
  };
  const writeLater = () => {
    try {
      writeLines();
    } catch (error) {
      failure ??= { error };
      lines = [];
    }
  };
  const close = () => {
    // The run's outcome is settled by now (save threw any earlier failure): lines that cannot be written here only
    // mean objects a rerun fetches again, so close never masks the error the caller is handling.
    writeLater();
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
  };
  return {
    path: options.path,
    async load() {
      let text: string;
      try {
        text = await readFile(options.path, "utf8");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return new Map();
        throw error;
      }
      loaded = parseJournal(text, header);
      return loaded;
    },
    append(entry) {
      if (failure !== undefined) throw failure.error;
      lines.push(JSON.stringify({ key: entry.key, size: entry.size, checksum: entry.checksum }));
      if (lines.length === 1) setImmediate(writeLater);
    },
    async save() {
      if (failure !== undefined) throw failure.error;
      writeLines();
    },
    close,
    async remove() {
      lines = [];
      close();
      loaded = new Map();
      await rm(options.path, { force: true });
    },
  };
}
