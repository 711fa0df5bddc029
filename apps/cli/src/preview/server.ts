// `vod-harvest preview`'s web server, on 127.0.0.1 only: the page, the catalogue of copies as JSON, and the copies'
// files read through from the sink, a directory or S3 (byte ranges honoured). GET and HEAD only; nothing is ever written.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { pipeline } from "node:stream/promises";
import { contentRange, parseRange } from "@vod-harvest/manifest";
import { contentTypeFor, isSinkError, isValidKey, type ObjectSink } from "@vod-harvest/s3-sink/base";
import { pageScript } from "./assets.js";
import { loadCatalog } from "./catalog.js";
import { PAGE_HTML } from "./page-html.js";

export interface PreviewServer {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  close(): Promise<void>;
}

const FILES_PREFIX = "/copies/";

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, {
    "content-type": type,
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
  });
  response.end(body);
}

/** `/copies/a%20b/c.ts` → `a b/c.ts`; undefined for a path that does not decode. */
function keyOf(pathname: string): string | undefined {
  try {
    return pathname.slice(FILES_PREFIX.length).split("/").map(decodeURIComponent).join("/");
  } catch {
    return undefined;
  }
}

/**
 * The object's size, or undefined for what is not there and for what the sink will not serve: a key outside its
 * rule (`..`, empty or absolute segments) or a path through a symbolic link that leads outside its root.
 */
async function sizeOf(sink: ObjectSink, key: string): Promise<number | undefined> {
  if (!isValidKey(key)) return undefined;
  try {
    return (await sink.head(key))?.size;
  } catch (error) {
    if (isSinkError(error) && error.code === "INVALID_KEY") return undefined;
    throw error;
  }
}

async function serveFile(sink: ObjectSink, request: IncomingMessage, response: ServerResponse, key: string) {
  const size = await sizeOf(sink, key);
  if (size === undefined) return send(response, 404, "text/plain", `not found: ${key}\n`);
  const range = parseRange(request.headers.range, size);
  if (range === "unsatisfiable") {
    response.writeHead(416, { "content-range": `bytes */${size}` });
    return response.end();
  }
  const headers: Record<string, string | number> = {
    "content-type": contentTypeFor(key),
    "accept-ranges": "bytes",
    "cache-control": "no-store",
    "content-length": range ? range.length : size,
  };
  if (range) headers["content-range"] = contentRange(range, size);
  if (request.method === "HEAD") {
    response.writeHead(range ? 206 : 200, headers);
    return response.end();
  }
  const body = await sink.read(key, undefined, range);
  response.writeHead(range ? 206 : 200, headers);
  await pipeline(body, response);
}

export async function startPreviewServer(
  sink: ObjectSink,
  options: { readonly port?: number } = {},
): Promise<PreviewServer> {
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { allow: "GET, HEAD" });
      return response.end();
    }
    const { pathname } = new URL(request.url ?? "/", "http://127.0.0.1");
    if (pathname === "/") return send(response, 200, "text/html; charset=utf-8", PAGE_HTML);
    if (pathname === "/page.js") return send(response, 200, "text/javascript", await pageScript());
    if (pathname === "/api/catalog") {
      return send(response, 200, "application/json", JSON.stringify(await loadCatalog(sink)));
    }
    if (pathname.startsWith(FILES_PREFIX)) {
      const key = keyOf(pathname);
      if (key === undefined) return send(response, 400, "text/plain", "bad path\n");
      return serveFile(sink, request, response, key);
    }
    send(response, 404, "text/plain", "not found\n");
  };
  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent) response.destroy();
      else send(response, 502, "text/plain", `${error instanceof Error ? error.message : String(error)}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
