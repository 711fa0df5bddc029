import type { IncomingMessage, ServerResponse } from "node:http";
import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { contentRange, parseRange } from "@vod-harvest/manifest";
import { type BodyShape, sendBody } from "./body.js";
import type { FaultRegistry } from "./faults.js";
import { decodeTarget, type FileStore } from "./files.js";
import type { RequestLog } from "./log.js";
import type { Fault, RedirectTarget, RequestRecord } from "./types.js";

export interface HandlerContext {
  store: FileStore;
  faults: FaultRegistry;
  log: RequestLog;
  connectionIds: WeakMap<Socket, number>;
  requireHeaders: [name: string, value: string][];
  redirects: Map<string, RedirectTarget>;
  etag: boolean;
  lastModified: boolean;
}

type Headers = Record<string, string | number>;

async function* nothing(): AsyncIterable<Buffer> {}

async function* just(bytes: Buffer): AsyncIterable<Buffer> {
  yield bytes;
}

function shapeOf(fault: Fault | undefined): BodyShape {
  switch (fault?.kind) {
    case "truncate":
      return { kind: "truncate", afterBytes: fault.afterBytes };
    case "stall":
      return { kind: "stall" };
    case "reset":
      return { kind: "reset" };
    case "slow":
      return { kind: "normal", bytesPerSecond: fault.bytesPerSecond };
    default:
      return { kind: "normal" };
  }
}

const ENCODERS: Record<string, (bytes: Buffer) => Buffer> = {
  gzip: gzipSync,
  "x-gzip": gzipSync,
  deflate: deflateSync,
  br: brotliCompressSync,
};

async function readAll(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

/** Per-request state shared by the steps below. */
interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  record: RequestRecord;
  signal: AbortSignal;
  shape: BodyShape;
}

/** Writes status and headers (Content-Length always set by the caller), then the body shaped by the fault. */
async function respond(
  exchange: Exchange,
  status: number,
  headers: Headers,
  body: AsyncIterable<Buffer>,
): Promise<void> {
  const { req, res, record, signal } = exchange;
  if (signal.aborted) return;
  res.writeHead(status, headers);
  record.status = status;
  const chunks = req.method === "HEAD" ? nothing() : body;
  const outcome = await sendBody(res, chunks, exchange.shape, signal, (count) => {
    record.bytesSent += count;
  });
  record.complete = outcome === "complete";
}

function respondText(exchange: Exchange, status: number, extra: Headers = {}): Promise<void> {
  const text = Buffer.from(`${status} ${STATUS_CODES[status] ?? ""}\n`);
  const headers = { "Content-Type": "text/plain; charset=utf-8", "Content-Length": text.length, ...extra };
  return respond(exchange, status, headers, just(text));
}

function hasRequiredHeaders(req: IncomingMessage, required: HandlerContext["requireHeaders"]): boolean {
  return required.every(([name, value]) => req.headers[name] === value);
}

/** Order: path check, fault, required headers, redirect, file, range — each step may answer and stop. */
export async function handleRequest(context: HandlerContext, req: IncomingMessage, res: ServerResponse) {
  const controller = new AbortController();
  res.once("close", () => controller.abort());
  // Failures on a connection a fault or the client broke show up as a cut record, not as process errors.
  res.on("error", () => undefined);
  req.on("error", () => undefined);

  const method = req.method ?? "GET";
  const target = decodeTarget(req.url ?? "");
  const decoded = "path" in target ? target : undefined;
  const record = context.log.add({
    connection: context.connectionIds.get(req.socket) ?? 0,
    method,
    path: decoded?.path ?? req.url ?? "",
    query: decoded?.query ?? "",
    range: req.headers.range,
    headers: req.headers,
    status: undefined,
    bytesSent: 0,
    fault: undefined,
    complete: false,
  });
  const exchange: Exchange = { req, res, record, signal: controller.signal, shape: { kind: "normal" } };
  if (!decoded) return respondText(exchange, 400);
  if (method !== "GET" && method !== "HEAD") return respondText(exchange, 405, { Allow: "GET, HEAD" });

  const fault = context.faults.pick({
    method,
    path: decoded.path,
    query: decoded.query,
    headers: req.headers,
  });
  record.fault = fault?.kind;
  if (fault?.kind === "reset" && fault.when !== "after-headers") {
    req.socket.resetAndDestroy();
    return;
  }
  if (fault?.kind === "delay") {
    const waited = await sleep(fault.ms, true, { signal: controller.signal }).catch(() => false);
    if (!waited) return;
  }
  if (fault?.kind === "status") {
    const extra: Headers = fault.retryAfter === undefined ? {} : { "Retry-After": String(fault.retryAfter) };
    return respondText(exchange, fault.status, extra);
  }
  exchange.shape = shapeOf(fault);

  if (!hasRequiredHeaders(req, context.requireHeaders)) return respondText(exchange, 404);
  const redirect = context.redirects.get(decoded.path);
  if (redirect !== undefined) {
    const { location, status } =
      typeof redirect === "string" ? { location: redirect, status: 302 } : redirect;
    return respondText(exchange, status, { Location: location });
  }
  const file = await context.store.resolve(decoded.path);
  if (!file) return respondText(exchange, 404);

  const range = parseRange(req.headers.range, file.size);
  if (range === "unsatisfiable")
    return respondText(exchange, 416, { "Content-Range": `bytes */${file.size}` });
  const sent = range ?? { offset: 0, length: file.size };
  const headers: Headers = {
    "Content-Type": file.contentType,
    "Content-Length": sent.length,
    "Accept-Ranges": "bytes",
  };
  if (range) headers["Content-Range"] = contentRange(range, file.size);
  if (context.etag) headers.ETag = file.etag;
  if (context.lastModified) headers["Last-Modified"] = file.lastModified.toUTCString();
  if (fault?.kind === "encode") {
    const plain = await readAll(file.open(sent));
    const encoded = ENCODERS[fault.encoding]?.(plain) ?? plain;
    headers["Content-Encoding"] = fault.encoding;
    headers["Content-Length"] = encoded.length;
    return respond(exchange, range ? 206 : 200, headers, just(encoded));
  }
  return respond(exchange, range ? 206 : 200, headers, file.open(sent));
}
