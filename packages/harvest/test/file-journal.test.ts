// The command line's checksum journal: a local JSON-lines file per (destination, source), appended per object.
import { existsSync, readFileSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import {
  createFileProgressStore,
  defaultStateDirectory,
  journalPathFor,
  parseJournal,
} from "../src/file-journal.js";
import { tempDir } from "./support.js";

const header = {
  format: "vod-harvest-journal",
  version: 1,
  destination: "/d/",
  source: "http://o/a.m3u8",
} as const;
const hash = (char: string) => `${char.repeat(6)}==`;
const line = (value: unknown) => JSON.stringify(value);

let dir: { path: string; remove: () => Promise<void> };
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  await dir.remove();
});

describe("parseJournal", () => {
  test.each([
    {
      name: "entries, a later line for a key wins",
      text: [header, { key: "a", size: 1, checksum: hash("a") }, { key: "a", size: 2, checksum: hash("b") }],
      expected: [["a", { size: 2, checksum: hash("b") }]],
    },
    {
      name: "a torn last line is dropped",
      text: [header, { key: "a", size: 1, checksum: hash("a") }, '{"key":"b","si'],
      expected: [["a", { size: 1, checksum: hash("a") }]],
    },
    {
      name: "malformed entries are dropped (negative size, short hash, no key)",
      text: [
        header,
        { key: "a", size: -1, checksum: hash("a") },
        { key: "b", size: 1, checksum: "abc" },
        { size: 1, checksum: hash("c") },
        { key: "d", size: 4, checksum: hash("d") },
      ],
      expected: [["d", { size: 4, checksum: hash("d") }]],
    },
    {
      name: "a header of another source disowns the file",
      text: [
        { ...header, source: "http://o/b.m3u8" },
        { key: "a", size: 1, checksum: hash("a") },
      ],
      expected: [],
    },
    {
      name: "a header of another destination disowns the file",
      text: [
        { ...header, destination: "/e/" },
        { key: "a", size: 1, checksum: hash("a") },
      ],
      expected: [],
    },
    { name: "no header at all", text: [{ key: "a", size: 1, checksum: hash("a") }], expected: [] },
    { name: "empty", text: [], expected: [] },
  ])("$name", ({ text, expected }) => {
    const joined = text.map((value) => (typeof value === "string" ? value : line(value))).join("\n");
    expect([...parseJournal(joined, header)]).toEqual(expected);
  });
});

describe("state directory and journal path", () => {
  test.each([
    [{ VOD_HARVEST_STATE_DIR: "/s", XDG_STATE_HOME: "/x" }, "/s"],
    [{ XDG_STATE_HOME: "/x" }, "/x/vod-harvest"],
  ])("%o → %s", (env, expected) => {
    expect(defaultStateDirectory(env)).toBe(expected);
  });

  test("defaults to ~/.local/state/vod-harvest", () => {
    expect(defaultStateDirectory({})).toMatch(/\/\.local\/state\/vod-harvest$/);
  });

  test("one file per destination and source", () => {
    const paths = new Set([
      journalPathFor("/s", "/d/", "http://o/a.m3u8"),
      journalPathFor("/s", "/d/", "http://o/b.m3u8"),
      journalPathFor("/s", "/e/", "http://o/a.m3u8"),
      journalPathFor("/s", "/d/\nhttp://o/a.m3u8", ""),
    ]);
    expect(paths.size).toBe(4);
    expect(journalPathFor("/s", "/d/", "http://o/a.m3u8")).toMatch(/^\/s\/journals\/[0-9a-f]{32}\.jsonl$/);
  });
});

describe("createFileProgressStore", () => {
  const options = () => ({
    path: join(dir.path, "state", "journals", "j.jsonl"),
    destination: header.destination,
    source: header.source,
  });

  test("no file: empty; appended entries are on disk by the next turn of the event loop and load back", async () => {
    const store = createFileProgressStore(options());
    expect([...(await store.load())]).toEqual([]);
    store.append({ key: "a", size: 1, checksum: hash("a") });
    store.append({ key: "b/c", size: 2, checksum: hash("b") });
    // The turn's lines go down together at its end: not yet, then (before close) both, so a killed process keeps them.
    expect(existsSync(options().path)).toBe(false);
    await new Promise((resolve) => setImmediate(resolve));
    const text = readFileSync(options().path, "utf8");
    expect(text.split("\n").filter(Boolean)).toHaveLength(3);
    store.close();
    const again = createFileProgressStore(options());
    expect([...(await again.load())]).toEqual([
      ["a", { size: 1, checksum: hash("a") }],
      ["b/c", { size: 2, checksum: hash("b") }],
    ]);
  });

  test("a later run keeps what it loaded and drops a torn line when it appends", async () => {
    const first = createFileProgressStore(options());
    await first.load();
    first.append({ key: "a", size: 1, checksum: hash("a") });
    first.close();
    await writeFile(options().path, `${await readFile(options().path, "utf8")}{"key":"torn`);
    const second = createFileProgressStore(options());
    expect((await second.load()).size).toBe(1);
    second.append({ key: "b", size: 2, checksum: hash("b") });
    second.close();
    const lines = (await readFile(options().path, "utf8")).split("\n").filter(Boolean);
    expect(lines.map((text) => JSON.parse(text))).toEqual([
      header,
      { key: "a", size: 1, checksum: hash("a") },
      { key: "b", size: 2, checksum: hash("b") },
    ]);
  });

  test("remove deletes the file; a missing file is fine", async () => {
    const store = createFileProgressStore(options());
    await store.load();
    store.append({ key: "a", size: 1, checksum: hash("a") });
    await store.remove();
    await expect(readFile(options().path)).rejects.toMatchObject({ code: "ENOENT" });
    await store.remove();
    expect((await createFileProgressStore(options()).load()).size).toBe(0);
  });

  test("a state directory that is a file: load fails (the run fails before copying anything)", async () => {
    await writeFile(join(dir.path, "state"), "a file where the directory should be");
    await expect(createFileProgressStore(options()).load()).rejects.toMatchObject({ code: "ENOTDIR" });
  });

  test("a state directory that cannot be created: save throws, and so does the next append (the run then fails at its end)", async () => {
    const store = createFileProgressStore(options());
    await store.load();
    await writeFile(join(dir.path, "state"), "a file where the directory should be");
    store.append({ key: "a", size: 1, checksum: hash("a") });
    await expect(store.save([])).rejects.toThrow(/ENOTDIR|EEXIST/);
    // Written at the end of the turn instead: the failure waits for the next append, not an uncaught exception.
    const later = createFileProgressStore(options());
    later.append({ key: "b", size: 1, checksum: hash("b") });
    await new Promise((resolve) => setImmediate(resolve));
    expect(() => later.append({ key: "c", size: 1, checksum: hash("c") })).toThrow(/ENOTDIR|EEXIST/);
    await expect(later.save([])).rejects.toThrow(/ENOTDIR|EEXIST/);
    // Closing with lines it cannot write does not throw: it would mask the error its caller is handling.
    const closing = createFileProgressStore(options());
    closing.append({ key: "d", size: 1, checksum: hash("d") });
    expect(() => closing.close()).not.toThrow();
  });
});
