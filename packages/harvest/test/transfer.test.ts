// One byte path: the origin's body goes straight into the sink, which counts it against Content-Length; what a
// wrong-sized or broken body becomes for the run (a retryable origin fault, nothing stored) is decided here.
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { createDirectorySink } from "@vod-harvest/s3-sink";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { OriginNetworkError, TruncatedBodyError } from "../src/errors.js";
import type { OriginClient } from "../src/http.js";
import { copyResource } from "../src/transfer.js";

const URL_OF = "http://origin.test/a/1.ts";

/** One attempt, no retries: the error the run would retry is what copyResource throws. */
function clientServing(body: () => Readable, contentLength: number | undefined): OriginClient {
  return {
    retryPolicy: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
    getText: async () => "",
    open: async () => ({ status: 200, contentLength, contentType: "video/mp2t", body: body() }),
    retry: <T>(operation: (attempt: number) => Promise<T>) => operation(1),
    close: async () => {},
  } as unknown as OriginClient;
}

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "transfer-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const chunks = () => Readable.from([Buffer.from("hello"), Buffer.from("world")]);
const resource = { url: URL_OF, key: "a/1.ts", kind: "media" as const };
const copy = (client: OriginClient) =>
  copyResource(
    {
      client,
      policy: { allowHosts: ["origin.test"] } as never,
      sink: createDirectorySink(root),
      signal: new AbortController().signal,
    },
    resource,
    false,
  );

describe("copyResource", () => {
  test.each([
    ["exact Content-Length", 10],
    ["no Content-Length", undefined],
  ])("%s: stored whole, with its size", async (_name, contentLength) => {
    const stored = await copy(clientServing(chunks, contentLength));
    expect(stored.size).toBe(10);
    expect(await readFile(join(root, "a/1.ts"), "utf8")).toBe("helloworld");
  });

  test.each([
    ["fewer bytes than Content-Length", 11, "only 10 bytes"],
    ["more bytes than Content-Length", 9, "more than 10 bytes"],
  ])("%s: TruncatedBodyError (retryable), nothing stored", async (_name, contentLength, received) => {
    const error = await copy(clientServing(chunks, contentLength)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TruncatedBodyError);
    expect((error as Error).message).toContain(`Content-Length ${contentLength}, received ${received}`);
    expect(await readdir(join(root, "a")).catch(() => [])).toEqual([]);
  });

  test.each([
    ["Content-Length known", 10, TruncatedBodyError, "received only 5 bytes"],
    ["no Content-Length", undefined, OriginNetworkError, ""],
  ])(
    "a body that breaks off (%s) is an origin fault, nothing stored",
    async (_name, contentLength, type, text) => {
      // Sends 5 bytes, then the connection resets when the reader asks for more.
      const broken = () => {
        let sent = false;
        const body: Readable = new Readable({
          read() {
            if (sent) body.destroy(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }));
            else body.push(Buffer.from("hello"));
            sent = true;
          },
        });
        return body;
      };
      const error = await copy(clientServing(broken, contentLength)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(type);
      expect((error as Error).message).toContain(text);
      expect(await readdir(join(root, "a")).catch(() => [])).toEqual([]);
    },
  );
});

describe("copyResource in a lane that looks ahead", () => {
  /** Serves a body in memory; two attempts; records the lane calls and opens in order. */
  function memoryClient(events: string[]): OriginClient {
    return {
      retryPolicy: { attempts: 2, baseDelayMs: 0, maxDelayMs: 0 },
      getText: async () => "",
      open: async () => {
        events.push("open");
        return { status: 200, contentLength: 5, contentType: "video/mp2t", body: Buffer.from("hello") };
      },
      retry: async <T>(operation: (attempt: number) => Promise<T>) => {
        try {
          return await operation(1);
        } catch {
          return operation(2);
        }
      },
      close: async () => {},
    } as unknown as OriginClient;
  }

  test("a body in memory lets the lane take its next item; a GET sent again drops the one opened ahead first", async () => {
    const events: string[] = [];
    const sink = createDirectorySink(root);
    let puts = 0;
    const flaky = {
      ...sink,
      put: async (...args: Parameters<typeof sink.put>) => {
        events.push("put");
        if (++puts === 1)
          throw Object.assign(new Error("disk hiccup"), { name: "SinkIoError", code: "WRITE_FAILED" });
        return sink.put(...args);
      },
    };
    const lane = { takeNext: () => events.push("takeNext"), dropNext: () => events.push("dropNext") };
    const context = {
      client: memoryClient(events),
      policy: {} as never,
      sink: flaky,
      signal: new AbortController().signal,
    };
    const stored = await copyResource(context, resource, false, undefined, lane);
    expect(stored.size).toBe(5);
    expect(events).toEqual(["open", "takeNext", "put", "dropNext", "open", "takeNext", "put"]);
  });

  test("a GET opened ahead is the first attempt's; one never used (stopped first) is dropped", async () => {
    const events: string[] = [];
    const client = memoryClient(events);
    const sink = createDirectorySink(root);
    const opened = client.open(new URL(URL_OF), {} as never);
    const used = await copyResource(
      { client, policy: {} as never, sink, signal: new AbortController().signal },
      resource,
      false,
      opened,
    );
    expect(used.size).toBe(5);
    expect(events).toEqual(["open"]); // no second GET
    const stopped = new AbortController();
    stopped.abort(new Error("stop"));
    let dropped = false;
    const body = new Readable({ read() {} });
    body.on("close", () => {
      dropped = true;
    });
    const ahead = Promise.resolve({ url: URL_OF, contentLength: 5, contentType: undefined, body });
    const abortingClient = {
      ...client,
      retry: async () => {
        throw new Error("aborted before the first attempt");
      },
    } as OriginClient;
    await expect(
      copyResource(
        { client: abortingClient, policy: {} as never, sink, signal: stopped.signal },
        resource,
        false,
        ahead,
      ),
    ).rejects.toThrow("aborted before the first attempt");
    await new Promise((resolve) => setImmediate(resolve));
    expect(dropped).toBe(true); // the stream opened ahead was destroyed, its connection with it
  });
});
