import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { syncDirectory } from "../src/directory-paths.js";

// Group commit of directory fsyncs (issue 6): concurrent puts share fsyncs, but never one that began before them.
describe("syncDirectory", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "dir-sync-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("a caller arriving while an fsync runs waits for a later one, shared with every caller after it", async () => {
    const first = syncDirectory(dir);
    const second = syncDirectory(dir);
    const third = syncDirectory(dir);
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
    const before = syncDirectory(dir);
    await before;
    const after = syncDirectory(dir);
    const queued = syncDirectory(dir);
    expect(after).not.toBe(before);
    expect(queued).not.toBe(after);
    await Promise.all([after, queued]);
  });

  test("a missing directory resolves without error, as before (nothing to make durable)", async () => {
    const missing = join(dir, "missing");
    await expect(Promise.all([syncDirectory(missing), syncDirectory(missing)])).resolves.toEqual([
      undefined,
      undefined,
    ]);
  });
});
