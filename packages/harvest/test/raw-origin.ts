/**
 * Test support: an origin written on raw sockets, for the HTTP behaviours a well-behaved server never shows —
 * HTTP/1.0 with the connection closed after each response, a reset in the middle of the headers, stray bytes after
 * a body-less (204) response on a keep-alive connection. Serves a map of files by path; GET and HEAD only.
 */
import { createServer, type Server, type Socket } from "node:net";

export type RawOriginMode =
  /** `HTTP/1.0 200`, Content-Length, body, then FIN: one response per connection. */
  | "http10-close"
  /** The first request of each path gets half a status line and headers, then a reset; later ones are answered. */
  | "reset-mid-headers"
  /** Each response on a connection is followed by an unrequested `204` carrying a body anyway (keep-alive). */
  | "stray-after-204";

export interface RawOrigin {
  readonly url: string;
  /** Requests seen, by path (the reset ones included). */
  readonly hits: Map<string, number>;
  close(): Promise<void>;
}

function head(status: string, headers: Record<string, string | number>): string {
  return `${status}\r\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("")}\r\n`;
}

export async function startRawOrigin(
  files: ReadonlyMap<string, Buffer>,
  mode: RawOriginMode,
): Promise<RawOrigin> {
  const hits = new Map<string, number>();
  const sockets = new Set<Socket>();

  function answer(socket: Socket, method: string, path: string): "keep" | "closed" {
    const seen = (hits.get(path) ?? 0) + 1;
    hits.set(path, seen);
    const body = files.get(path);
    if (mode === "reset-mid-headers" && seen === 1) {
      socket.write("HTTP/1.1 200 OK\r\nContent-Ty");
      socket.resetAndDestroy();
      return "closed";
    }
    const version = mode === "http10-close" ? "HTTP/1.0" : "HTTP/1.1";
    const payload = method === "HEAD" || body === undefined ? Buffer.alloc(0) : body;
    const status = body === undefined ? `${version} 404 Not Found` : `${version} 200 OK`;
    const headers: Record<string, string | number> = {
      "Content-Type": "application/octet-stream",
      "Content-Length": body?.length ?? 0,
    };
    if (mode === "http10-close") headers.Connection = "close";
    socket.write(head(status, headers));
    socket.write(payload);
    if (mode === "http10-close") {
      socket.end();
      return "closed";
    }
    if (mode === "stray-after-204") socket.write(`${head("HTTP/1.1 204 No Content", {})}stray body bytes`);
    return "keep";
  }

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    let buffered = "";
    socket.on("data", (chunk) => {
      buffered += chunk.toString("latin1");
      for (;;) {
        const end = buffered.indexOf("\r\n\r\n");
        if (end < 0) return;
        const [requestLine = ""] = buffered.slice(0, end).split("\r\n");
        buffered = buffered.slice(end + 4);
        const [method = "GET", target = "/"] = requestLine.split(" ");
        const path = decodeURIComponent(new URL(target, "http://raw.test").pathname);
        if (answer(socket, method, path) === "closed") return;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return {
    url: `http://127.0.0.1:${address.port}/`,
    hits,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
