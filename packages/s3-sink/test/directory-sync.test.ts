import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { syncDirectory } from "../src/directory-paths.js";
import { tempDirEach } from "./helpers/temp-dir.js";

// Group commit of directory fsyncs (issue 6): concurrent puts share fsyncs, but never one that began before them.
describe("syncDirectory", () => {
  const dir = tempDirEach("dir-sync-");

  test("a caller arriving while an fsync runs waits for a later one, shared with every caller after it", async () => {
    const first = syncDirectory(dir.path);
    const second = syncDirectory(dir.path);
    const third = syncDirectory(dir.path);
    expect(second).not.toBe(first);
    expect(third).toBe(second);
    let firstDone = false;
    void first.then(() => {
      firstDone = true;
    });
    await second;
    expect(firstDone).toBe(true);
  });

  test("once every fsync has settled, the next caller starts a fresh one", async () => {
    const before = syncDirectory(dir.path);
    await before;
    const after = syncDirectory(dir.path);
    const queued = syncDirectory(dir.path);
    expect(after).not.toBe(before);
    expect(queued).not.toBe(after);
    await Promise.all([after, queued]);
  });

  test("a missing directory resolves without error, as before (nothing to make durable)", async () => {
    const missing = join(dir.path, "missing");
    await expect(Promise.all([syncDirectory(missing), syncDirectory(missing)])).resolves.toEqual([
      undefined,
      undefined,
    ]);
  });
});
