import { once } from "node:events";
import { readFile } from "node:fs/promises";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { UnsafeReferenceError } from "@vod-harvest/manifest";
import { fillBuffer, isFillable } from "@vod-harvest/s3-sink/base";
import { afterEach, describe, expect, test } from "vitest";
import { createH1Transport } from "../src/h1/transport.js";
import type { OriginTransport } from "../src/origin-exchange.js";
import { OPTIONS, patterned, rawServer, readAll } from "./h1-support.js";

/** A self-signed certificate for localhost and 127.0.0.1, valid until 2126 (test/fixtures). */
const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url);
const CERT = await readFile(fixture("localhost-cert.pem"));

describe("the h1 transport's connections: TLS and the address lookup", () => {
  let transport: OriginTransport | undefined;
  const closers: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    await transport?.close();
    for (const close of closers.splice(0)) await close();
  });

  test.each([
    ["localhost", "a name: checked against the certificate's DNS name (SNI)"],
    ["127.0.0.1", "an address: checked against its IP entry"],
  ])(
    "https to %s, %s: streamed and filled; refused without the certificate's issuer trusted",
    async (host) => {
      const payload = patterned(2_000_000);
      const server = createHttpsServer(
        { key: await readFile(fixture("localhost-key.pem")), cert: CERT },
        (_request, response) => response.end(payload),
      );
      server.listen(0, "127.0.0.1");
      await once(server, "listening");
      closers.push(async () => {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      });
      const url = new URL(`https://${host}:${(server.address() as AddressInfo).port}/seg.ts`);
      transport = createH1Transport({ ...OPTIONS, ca: CERT });
      const streamed = await transport.get(url, {}, undefined);
      expect((await readAll(streamed.body)).equals(payload)).toBe(true);
      const filled = await transport.get(url, {}, undefined);
      if (!isFillable(filled.body)) throw new Error("not fillable");
      // A reader that comes late: TLS has more records ready by then; the first read's bytes must wait intact.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const target = Buffer.alloc(payload.length);
      expect(await filled.body[fillBuffer](target)).toEqual({ bytes: payload.length });
      expect(target.equals(payload)).toBe(true);
      const untrusting = createH1Transport(OPTIONS);
      closers.push(() => untrusting.close());
      await expect(untrusting.get(url, {}, undefined)).rejects.toMatchObject({
        code: "DEPTH_ZERO_SELF_SIGNED_CERT",
      });
    },
  );

  test("the lookup decides where a name connects: its refusal rejects the GET, unchanged, and nothing is sent", async () => {
    let requests = 0;
    const server = await rawServer((_request, socket) => {
      requests++;
      socket.write("HTTP/1.1 204 No Content\r\n\r\n");
    });
    closers.push(server.close);
    const refusal = new UnsafeReferenceError(
      "FORBIDDEN_ADDRESS",
      "origin.test",
      "refusing origin.test: metadata",
    );
    transport = createH1Transport({
      ...OPTIONS,
      lookup: (_hostname, _options, callback) => callback(refusal as NodeJS.ErrnoException, "", 4),
    });
    const port = new URL(server.base).port;
    await expect(transport.get(new URL(`http://origin.test:${port}/x`), {}, undefined)).rejects.toBe(refusal);
    expect(requests).toBe(0);
  });
});
