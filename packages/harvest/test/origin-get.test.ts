import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { Agent } from "undici";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { createH1Transport } from "../src/h1/transport.js";
import type { OriginTransport } from "../src/origin-exchange.js";
import { drain, undiciTransport } from "../src/origin-get.js";

type Route = (request: IncomingMessage, response: ServerResponse) => void;

/** A body that starts (1,000 of 1,000,000 bytes) and then neither ends nor fails: its connection stays taken. */
const stalledBody: Route = (_request, response) => {
  response.writeHead(200, { "Content-Length": 1_000_000 });
  response.write(Buffer.alloc(1000));
};

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The same behaviour from both transports the origin client can use, each with one connection. */
const TRANSPORTS: { name: string; make: () => OriginTransport }[] = [
  { name: "undici's dispatch API", make: () => undiciTransport(new Agent({ connections: 1 })) },
  {
    name: "the client's own HTTP/1.1 connections",
    make: () =>
      createH1Transport({
        connections: 1,
        headersTimeoutMs: 30_000,
        bodyTimeoutMs: 30_000,
        idleTimeoutMs: 10_000,
      }),
  },
];

describe.each(TRANSPORTS)("one GET through $name", ({ make }) => {
  let server: Server;
  let transport: OriginTransport;
  let base: string;
  let route: Route;
  /** Remote ports of the connections requests came on, in order. */
  let ports: number[];
  /** Resolves when a response's connection closes before the response finished. */
  let cutOff: Promise<void>;
  let markCutOff: () => void;

  beforeEach(async () => {
    ports = [];
    cutOff = new Promise((resolve) => {
      markCutOff = resolve;
    });
    server = createServer((request, response) => {
      ports.push(request.socket.remotePort ?? -1);
      response.on("close", () => {
        if (!response.writableFinished) markCutOff();
      });
      route(request, response);
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    transport = make();
  });
  afterEach(async () => {
    await transport.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  test("status, headers (lower-case names), the path with its query, and every byte of a large body", async () => {
    const payload = Buffer.alloc(8 * 1024 * 1024);
    for (let index = 0; index < payload.length; index++) payload[index] = index % 251;
    let asked = "";
    route = (request, response) => {
      asked = `${request.url} ${request.headers["x-test"]}`;
      response.writeHead(200, { "Content-Type": "video/mp2t", "Content-Length": payload.length });
      response.end(payload);
    };
    const exchange = await transport.get(
      new URL(`${base}/a%20b/seg.ts?token=1#frag`),
      { "x-test": "yes" },
      undefined,
    );
    expect(exchange.statusCode).toBe(200);
    expect(exchange.headers["content-type"]).toBe("video/mp2t");
    expect(asked).toBe("/a%20b/seg.ts?token=1 yes");
    // Read slowly: the body pauses the connection instead of buffering 8 MiB, and resumes when read.
    await sleep(50);
    expect(exchange.body.readableLength).toBeLessThanOrEqual(
      exchange.body.readableHighWaterMark + 1024 * 1024,
    );
    expect((await readAll(exchange.body)).equals(payload)).toBe(true);
  });

  test("aborted before the response: rejects with the signal's reason, and the request is cut", async () => {
    route = () => {}; // never answers
    const controller = new AbortController();
    const pending = transport.get(new URL(`${base}/slow`), {}, controller.signal);
    while (ports.length === 0) await sleep(5);
    const reason = new Error("stop now");
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await cutOff;
  });

  test("aborted while waiting for a connection: rejects at once, and never sends it", async () => {
    route = stalledBody; // holds the transport's one connection
    const first = await transport.get(new URL(`${base}/busy`), {}, undefined);
    const controller = new AbortController();
    const queued = transport.get(new URL(`${base}/queued`), {}, controller.signal);
    const reason = new Error("not waiting any longer");
    controller.abort(reason);
    await expect(queued).rejects.toBe(reason);
    first.body.destroy(); // frees the connection: the aborted request must not go out on it
    await cutOff;
    await sleep(50);
    expect(ports).toHaveLength(1);
  });

  test("already aborted: rejects at once, nothing sent", async () => {
    route = (_request, response) => response.end("x");
    const reason = new Error("stopped before");
    await expect(transport.get(new URL(`${base}/x`), {}, AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(ports).toEqual([]);
  });

  test("aborted within the body: the body errors with the reason and the connection is cut", async () => {
    route = stalledBody;
    const controller = new AbortController();
    const { body } = await transport.get(new URL(`${base}/part`), {}, controller.signal);
    const reason = new Error("budget over");
    const reading = readAll(body);
    controller.abort(reason);
    await expect(reading).rejects.toBe(reason);
    await cutOff;
  });

  test("a body destroyed before its end aborts the exchange", async () => {
    route = stalledBody;
    const { body } = await transport.get(new URL(`${base}/part`), {}, undefined);
    body.destroy();
    await cutOff;
  });

  test("a connection reset within the body errors the body", async () => {
    route = (request, response) => {
      response.writeHead(200, { "Content-Length": 10_000 });
      response.write(Buffer.alloc(100), () => request.socket.resetAndDestroy());
    };
    const { body } = await transport.get(new URL(`${base}/reset`), {}, undefined);
    await expect(readAll(body)).rejects.toThrow();
  });

  test("a refused connection rejects", async () => {
    const port = (server.address() as AddressInfo).port;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    server = createServer().listen(0, "127.0.0.1"); // for afterEach
    await expect(transport.get(new URL(`http://127.0.0.1:${port}/x`), {}, undefined)).rejects.toMatchObject({
      code: "ECONNREFUSED",
    });
  });

  test("drain: a small unwanted body is read so the connection serves the next request", async () => {
    route = (request, response) => {
      if (request.url === "/missing") {
        response.writeHead(404, { "Content-Length": 9 });
        response.end("not found");
      } else response.end("ok");
    };
    const missing = await transport.get(new URL(`${base}/missing`), {}, undefined);
    expect(missing.statusCode).toBe(404);
    await drain(missing.body);
    const next = await transport.get(new URL(`${base}/next`), {}, undefined);
    expect((await readAll(next.body)).toString()).toBe("ok");
    expect(new Set(ports).size).toBe(1); // one connection for both
  });

  test("drain: a large unwanted body is cut, not read to its end", async () => {
    route = (_request, response) => {
      response.writeHead(503, { "Content-Length": 50_000_000 });
      response.write(Buffer.alloc(256 * 1024));
    };
    const refused = await transport.get(new URL(`${base}/busy`), {}, undefined);
    await drain(refused.body);
    await cutOff;
  });
});
