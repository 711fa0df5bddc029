import type { RequestListener } from "node:http";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import type { BodyMemory } from "@vod-harvest/s3-sink/base";
import { afterEach, describe, expect, test } from "vitest";
import { createH1Transport } from "../src/h1/transport.js";
import type { OriginTransport } from "../src/origin-exchange.js";
import { httpServer, OPTIONS, patterned, rawServer, readAll } from "./h1-support.js";

const GZIPPED = gzipSync(patterned(1200));

/** Memory as a sink offers it, recording each size asked for. */
function memory(maxBytes: number): BodyMemory & { readonly sizes: number[] } {
  const sizes: number[] = [];
  return {
    maxBytes,
    sizes,
    allocate: (size) => {
      sizes.push(size);
      return Buffer.alloc(size, 0xee); // not zeros: a byte left unfilled shows
    },
  };
}

describe("the h1 transport: small bodies received into the caller's memory", () => {
  let transport: OriginTransport | undefined;
  const closers: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    await transport?.close();
    for (const close of closers.splice(0)) await close();
  });
  const serve = (handler: RequestListener) => httpServer(handler, closers);

  test.each([
    ["in one write", 1000, false],
    ["over several reads", 300_000, true],
    ["exactly the memory's limit", 65_536, false],
  ])("a 200 with Content-Length (%s) comes back whole, byte for byte", async (_name, size, pieces) => {
    const payload = patterned(size);
    const base = await serve((_request, response) => {
      response.setHeader("Content-Length", payload.length);
      if (!pieces) return response.end(payload);
      response.write(payload.subarray(0, 5000));
      setTimeout(() => response.end(payload.subarray(5000)), 20);
    });
    transport = createH1Transport(OPTIONS);
    const offered = memory(Math.max(size, 65_536));
    const { statusCode, headers, body } = await transport.get(
      new URL(`${base}/seg.ts`),
      {},
      undefined,
      offered,
    );
    expect(statusCode).toBe(200);
    expect(headers["content-length"]).toBe(String(size));
    expect(Buffer.isBuffer(body)).toBe(true);
    expect((body as Buffer).equals(payload)).toBe(true);
    expect(offered.sizes).toEqual([size]);
  });

  // node's server adds Content-Length to a body given whole to end() (not after writeHead), else sends it chunked.
  const notInMemory: [string, RequestListener, number][] = [
    ["larger than the memory's limit", (_q, r) => r.end(patterned(6000)), 6000],
    ["not 200", (_q, r) => r.writeHead(404, { "Content-Length": 9 }).end("not found"), 9],
    ["chunked (no Content-Length)", (_q, r) => r.write(patterned(700), () => r.end(patterned(800))), 1500],
    [
      "content-coded",
      (_q, r) =>
        r.writeHead(200, { "Content-Encoding": "gzip", "Content-Length": GZIPPED.length }).end(GZIPPED),
      GZIPPED.length,
    ],
  ];
  test.each(notInMemory)(
    "a response %s comes back as a stream, nothing allocated",
    async (_name, handler, size) => {
      const base = await serve(handler);
      transport = createH1Transport(OPTIONS);
      const offered = memory(5000);
      const { body } = await transport.get(new URL(`${base}/x`), {}, undefined, offered);
      expect(body).toBeInstanceOf(Readable);
      expect((await readAll(body as Readable)).length).toBe(size);
      expect(offered.sizes).toEqual([]);
    },
  );

  test("a body cut short: TruncatedBodyError with the bytes expected and received; the connection goes", async () => {
    const server = await rawServer((request, socket) => {
      if (request.startsWith("GET /cut ")) {
        socket.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
        socket.end(Buffer.alloc(300, 1));
      } else {
        socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
      }
    });
    closers.push(server.close);
    transport = createH1Transport({ ...OPTIONS, connections: 1 });
    await expect(
      transport.get(new URL(`${server.base}/cut`), {}, undefined, memory(4096)),
    ).rejects.toMatchObject({ name: "TruncatedBodyError", expected: 1000, received: 300 });
    // The next request is served, on a new connection.
    const { body } = await transport.get(new URL(`${server.base}/next`), {}, undefined, memory(4096));
    expect((body as Buffer).toString()).toBe("ok");
    expect(server.connections()).toBe(2);
  });

  test("an abort while the body comes rejects with the signal's reason", async () => {
    let headSent!: () => void;
    const sent = new Promise<void>((resolve) => {
      headSent = resolve;
    });
    const server = await rawServer((_request, socket) => {
      // Half the body, then nothing more: only the abort ends the exchange.
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", () =>
        socket.write(Buffer.alloc(500), headSent),
      );
    });
    closers.push(server.close);
    transport = createH1Transport(OPTIONS);
    const controller = new AbortController();
    const reason = new Error("stopped by the test");
    const exchange = transport.get(new URL(`${server.base}/x`), {}, controller.signal, memory(4096));
    await sent;
    controller.abort(reason);
    // Wherever the abort meets the exchange (before or within the body), the caller gets the signal's reason first.
    await expect(exchange).rejects.toSatisfy(
      (error: unknown) => error === reason || (error as Error).cause === reason,
    );
  });

  test("keep-alive: bodies received into memory one after another on one connection", async () => {
    const server = await rawServer((request, socket) => {
      const path = request.split(" ")[1] ?? "";
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${path.length}\r\n\r\n${path}`);
    });
    closers.push(server.close);
    transport = createH1Transport({ ...OPTIONS, connections: 1 });
    const texts = await Promise.all(
      ["/a", "/bb", "/ccc", "/dddd"].map(async (path) => {
        const get = (transport as OriginTransport).get(
          new URL(`${server.base}${path}`),
          {},
          undefined,
          memory(64),
        );
        return ((await get).body as Buffer).toString();
      }),
    );
    expect(texts).toEqual(["/a", "/bb", "/ccc", "/dddd"]);
    expect(server.connections()).toBe(1);
  });
});
