import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { createDirectorySink, type DirectorySyncMode } from "../src/directory-sink.js";
import { chunkedStream, patternBuffer } from "./helpers/streams.js";

// Counts the file fsyncs of the sink (node:fs fsync; directory fsyncs go through fs/promises and are not counted).
const fsyncs = vi.hoisted(() => ({ count: 0 }));
vi.mock("node:fs", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:fs")>();
  const fsync = (fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => {
    fsyncs.count += 1;
    actual.fsync(fd, callback);
  };
  return { ...actual, default: { ...actual, fsync }, fsync };
});

let base: string;
beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), "dir-durability-"));
  fsyncs.count = 0;
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

// Issue 6: when the directory sink fsyncs (DirectorySyncMode), counted over three puts and two flushes.
describe("directory sink: sync modes", () => {
  test.each<[DirectorySyncMode | undefined, number, number, number]>([
    // mode, fsyncs after 3 puts, after the first flush, after a second flush (nothing new to sync)
    [undefined, 0, 0, 0],
    ["none", 0, 0, 0],
    ["put", 3, 3, 3],
    ["flush", 0, 3, 3],
  ])(
    "sync %s: %i file fsyncs after the puts, %i after flush, %i after another",
    async (mode, puts, first, second) => {
      const sink = createDirectorySink(join(base, "root"), mode === undefined ? {} : { sync: mode });
      await sink.put("a/one.ts", "1");
      await sink.put("a/two.ts", chunkedStream(patternBuffer(200_000), 10_000), { expectedSize: 200_000 });
      await sink.put("b/three.ts", Buffer.from("333"), { overwrite: true });
      expect(fsyncs.count).toBe(puts);
      await sink.flush();
      expect(fsyncs.count).toBe(first);
      await sink.flush();
      expect(fsyncs.count).toBe(second);
      expect(await readFile(join(base, "root", "a/two.ts"))).toEqual(patternBuffer(200_000));
    },
  );

  test("flush skips a file deleted since its put and syncs the others", async () => {
    const sink = createDirectorySink(join(base, "root"), { sync: "flush" });
    await sink.put("a/kept.ts", "k");
    await sink.put("a/gone.ts", "g");
    await sink.delete("a/gone.ts");
    await expect(sink.flush()).resolves.toBeUndefined();
    expect(fsyncs.count).toBe(1);
  });

  test("an unknown mode is refused with a typed error", () => {
    expect(() => createDirectorySink(base, { sync: "always" as DirectorySyncMode })).toThrow(
      expect.objectContaining({ name: "InvalidDestinationError" }),
    );
  });
});
