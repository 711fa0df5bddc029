import type { RequestListener } from "node:http";
import { finished } from "node:stream/promises";
import { fillBuffer, isFillable } from "@vod-harvest/s3-sink/base";
import { afterEach, describe, expect, test } from "vitest";
import { createH1Transport, headerFieldsText } from "../src/h1/transport.js";
import type { OriginTransport } from "../src/origin-exchange.js";
import { httpServer, OPTIONS, patterned, rawServer, readAll } from "./h1-support.js";

describe("the client's own HTTP/1.1 transport", () => {
  let transport: OriginTransport | undefined;
  const closers: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    await transport?.close();
    for (const close of closers.splice(0)) await close();
  });
  const serve = (handler: RequestListener) => httpServer(handler, closers);

  test.each([
    ["Content-Length", false, 300_000],
    ["chunked", true, 300_000],
    ["Content-Length, smaller than one read", false, 1000],
  ])("a %s body filled straight into the reader's memory, byte for byte", async (_name, chunked, size) => {
    const payload = patterned(size);
    const base = await serve((_request, response) => {
      if (!chunked) response.setHeader("Content-Length", payload.length);
      // In pieces, so the body arrives over several reads (and for chunked, as several chunks).
      response.write(payload.subarray(0, 5000));
      setTimeout(() => response.end(payload.subarray(5000)), 20);
    });
    transport = createH1Transport(OPTIONS);
    const { body } = await transport.get(new URL(`${base}/seg.ts`), {}, undefined);
    expect(isFillable(body)).toBe(true);
    if (!isFillable(body)) return;
    const target = Buffer.alloc(size);
    expect(await body[fillBuffer](target)).toEqual({ bytes: size });
    expect(target.equals(payload)).toBe(true);
    await finished(body); // a filled body ends like any other
  });

  test.each([
    ["fill", 100_000],
    ["fill", 400_000],
    ["stream", 100_000],
    ["stream", 400_000],
  ])(
    "a reader that comes late (%s): a %d-byte body sent before it is read whole, byte for byte",
    async (mode, size) => {
      const payload = patterned(size);
      let sent: Promise<void> | undefined;
      const base = await serve((_request, response) => {
        response.setHeader("Content-Length", payload.length);
        sent = new Promise((resolve) => response.end(payload, resolve));
      });
      transport = createH1Transport(OPTIONS);
      const { body } = await transport.get(new URL(`${base}/seg.ts`), {}, undefined);
      // Up to two reads wait in the connection's spare buffer; a longer body stops the socket until the reader comes.
      // (Whichever way the bytes and the reader meet, the verdict is the same.)
      while (sent === undefined) await new Promise((resolve) => setImmediate(resolve));
      await sent;
      await new Promise((resolve) => setTimeout(resolve, 30)); // turns of the loop in which the client reads
      if (mode === "fill" && isFillable(body)) {
        const target = Buffer.alloc(size);
        expect(await body[fillBuffer](target)).toEqual({ bytes: size });
        expect(target.equals(payload)).toBe(true);
      } else {
        expect((await readAll(body)).equals(payload)).toBe(true);
      }
    },
  );

  test("a body longer than the reader's memory: every byte counted, none written past its end", async () => {
    const base = await serve((_request, response) => response.end(patterned(10_000)));
    transport = createH1Transport(OPTIONS);
    const { body } = await transport.get(new URL(`${base}/x`), {}, undefined);
    const target = Buffer.alloc(4001);
    const guarded = target.subarray(0, 4000);
    if (!isFillable(body)) throw new Error("not fillable");
    expect(await body[fillBuffer](guarded)).toEqual({ bytes: 10_000 });
    expect(target[4000]).toBe(0);
  });

  test("a body cut short: the fill reports the error and the bytes it got", async () => {
    const server = await rawServer((_request, socket) => {
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
      socket.end(Buffer.alloc(300, 1));
    });
    closers.push(server.close);
    transport = createH1Transport(OPTIONS);
    const { body } = await transport.get(new URL(`${server.base}/x`), {}, undefined);
    if (!isFillable(body)) throw new Error("not fillable");
    const outcome = await body[fillBuffer](Buffer.alloc(1000));
    expect(outcome.bytes).toBe(300);
    expect(outcome.error).toMatchObject({ name: "HttpConnectionError", code: "CONNECTION_CLOSED" });
  });

  test("keep-alive: one connection serves requests in turn, the next sent once a body is read", async () => {
    const server = await rawServer((request, socket) => {
      const path = request.split(" ")[1] ?? "";
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${path.length}\r\n\r\n${path}`);
    });
    closers.push(server.close);
    transport = createH1Transport({ ...OPTIONS, connections: 1 });
    const texts = await Promise.all(
      ["/a", "/bb", "/ccc", "/dddd"].map(async (path) => {
        const { body } = await (transport as OriginTransport).get(
          new URL(`${server.base}${path}`),
          {},
          undefined,
        );
        return (await readAll(body)).toString();
      }),
    );
    expect(texts).toEqual(["/a", "/bb", "/ccc", "/dddd"]);
    expect(server.connections()).toBe(1);
  });

  test("a kept connection the server closed before answering: the GET is sent again on a fresh one", async () => {
    let requests = 0;
    const server = await rawServer((_request, socket, connection) => {
      requests++;
      // The first connection answers once, then drops the next request unanswered (its idle timer ran out).
      if (connection === 1 && requests > 1) {
        socket.destroy();
        return;
      }
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    });
    closers.push(server.close);
    transport = createH1Transport({ ...OPTIONS, connections: 1 });
    for (const path of ["/first", "/second"]) {
      const { body } = await transport.get(new URL(`${server.base}${path}`), {}, undefined);
      expect((await readAll(body)).toString()).toBe("ok");
    }
    expect(requests).toBe(3);
    expect(server.connections()).toBe(2);
  });

  test("a first request on a fresh connection is not sent twice when the server drops it", async () => {
    let requests = 0;
    const server = await rawServer((_request, socket) => {
      requests++;
      socket.destroy();
    });
    closers.push(server.close);
    transport = createH1Transport(OPTIONS);
    await expect(transport.get(new URL(`${server.base}/x`), {}, undefined)).rejects.toMatchObject({
      code: "CONNECTION_CLOSED",
    });
    expect(requests).toBe(1);
  });

  test("bytes nobody asked for close the connection: the next request goes on a new one", async () => {
    const server = await rawServer((_request, socket) => {
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
      setTimeout(() => socket.write("HTTP/1.1 204 No Content\r\n\r\n"), 20);
    });
    closers.push(server.close);
    transport = createH1Transport({ ...OPTIONS, connections: 1 });
    const first = await transport.get(new URL(`${server.base}/a`), {}, undefined);
    expect((await readAll(first.body)).toString()).toBe("ok");
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = await transport.get(new URL(`${server.base}/b`), {}, undefined);
    expect(second.statusCode).toBe(200);
    expect((await readAll(second.body)).toString()).toBe("ok");
    expect(server.connections()).toBe(2);
  });

  test("stray bytes in the same read as a response: the waiting request goes on a new connection, not that one", async () => {
    const server = await rawServer((request, socket, connection) => {
      const path = request.split(" ")[1] ?? "";
      // The first connection follows an empty answer with a response nobody asked for, in the same packet.
      if (connection === 1)
        socket.write("HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstray");
      else socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${path.length}\r\n\r\n${path}`);
    });
    closers.push(server.close);
    transport = createH1Transport({ ...OPTIONS, connections: 1 });
    const [first, second] = await Promise.all(
      ["/first", "/second"].map(async (path) => {
        const { body } = await (transport as OriginTransport).get(
          new URL(`${server.base}${path}`),
          {},
          undefined,
        );
        return (await readAll(body)).toString();
      }),
    );
    expect([first, second]).toEqual(["", "/second"]);
    expect(server.connections()).toBe(2);
  });

  test.each([
    ["headers", "HEADERS_TIMEOUT", "HTTP/1.1 200 OK\r\nContent-Le"],
    ["body", "BODY_TIMEOUT", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc"],
  ])("the %s deadline, read from the injected clock", async (_which, code, written) => {
    const server = await rawServer((_request, socket) => socket.write(written));
    closers.push(server.close);
    let clock = 0;
    transport = createH1Transport({
      ...OPTIONS,
      headersTimeoutMs: 1000,
      bodyTimeoutMs: 1000,
      now: () => clock,
    });
    const pending = (async () => {
      const { body } = await (transport as OriginTransport).get(new URL(`${server.base}/x`), {}, undefined);
      await readAll(body);
    })();
    pending.catch(() => {});
    // Nothing happens while the clock stands still, whatever the wall clock does.
    await new Promise((resolve) => setTimeout(resolve, 600));
    let settled = false;
    const mark = () => {
      settled = true;
    };
    pending.then(mark, mark);
    await Promise.resolve();
    expect(settled).toBe(false);
    clock += 1001;
    await expect(pending).rejects.toMatchObject({ name: "HttpConnectionError", code });
  });

  test("header fields: written once, and a value with a line break refused without showing it", () => {
    expect(headerFieldsText({ Authorization: "Bearer x", "X-A": "1" })).toBe(
      "Authorization: Bearer x\r\nX-A: 1\r\n",
    );
    expect(() => headerFieldsText({ "X-Token": "secret\r\nHost: evil" })).toThrow(/X-Token/);
    expect(() => headerFieldsText({ "X-Token": "secret\r\nHost: evil" })).not.toThrow(/secret/);
    expect(() => headerFieldsText({ "Bad Name": "1" })).toThrow(/not a valid HTTP field name/);
  });

  test("sends the request line, Host with its port, and the caller's fields", async () => {
    let seen = "";
    const server = await rawServer((request, socket) => {
      seen = request;
      socket.write("HTTP/1.1 204 No Content\r\n\r\n");
    });
    closers.push(server.close);
    transport = createH1Transport(OPTIONS);
    const url = new URL(`${server.base}/a%20b/seg.ts?token=1#frag`);
    const { body } = await transport.get(url, { "X-Test": "yes" }, undefined);
    await readAll(body);
    expect(seen).toBe(`GET /a%20b/seg.ts?token=1 HTTP/1.1\r\nhost: ${url.host}\r\nX-Test: yes`);
  });
});
