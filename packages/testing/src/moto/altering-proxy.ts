// Test helper (exported by `@vod-harvest/testing/moto`); never imported by library code.
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

interface ProxiedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export interface AlteringProxy {
  readonly endpoint: string;
  /** Request bodies altered so far. */
  readonly altered: () => number;
  /** Every request forwarded, in order (what the client sent, before any alteration). */
  readonly requests: readonly ProxiedRequest[];
  close(): Promise<void>;
}

/**
 * An HTTP proxy in front of an S3 endpoint that flips one byte in the body of every PUT whose path contains
 * `marker` (headers, and so the checksum the client sent, untouched): bytes damaged on their way to S3.
 */
export async function startAlteringProxy(target: string, marker: string): Promise<AlteringProxy> {
  const upstream = new URL(target);
  let altered = 0;
  const requests: ProxiedRequest[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    requests.push({
      method: incoming.method ?? "",
      url: incoming.url ?? "",
      headers: { ...incoming.headers },
    });
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const body = Buffer.concat(chunks);
      if (incoming.method === "PUT" && (incoming.url ?? "").includes(marker) && body.length > 0) {
        const middle = Math.floor(body.length / 2);
        body[middle] = (body[middle] as number) ^ 0x01;
        altered += 1;
      }
      const forwarded = request(
        {
          hostname: upstream.hostname,
          port: upstream.port,
          method: incoming.method,
          path: incoming.url,
          headers: incoming.headers,
        },
        (response) => {
          outgoing.writeHead(response.statusCode ?? 502, response.headers);
          response.pipe(outgoing);
        },
      );
      forwarded.on("error", (error) => outgoing.destroy(error));
      forwarded.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    altered: () => altered,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
