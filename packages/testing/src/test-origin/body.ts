import { once } from "node:events";
import type { ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";

/** What happens once the headers are out. Set by the fault that fired on the request, if any. */
export type BodyShape =
  | { kind: "normal"; bytesPerSecond?: number }
  | { kind: "truncate"; afterBytes: number }
  | { kind: "reset" }
  | { kind: "stall" };

/** How the body ended: `complete` normally, `cut` by a fault or by the client going away. */
export type BodyOutcome = "complete" | "cut";

/** Resolves once everything written so far has been handed to the kernel (a socket's writes finish in order). */
function flushed(res: ServerResponse): Promise<void> {
  const socket = res.socket;
  if (!socket || socket.destroyed) return Promise.resolve();
  return new Promise((resolve) => socket.write(Buffer.alloc(0), () => resolve()));
}

/** Splits chunks so that a throttled body goes out in small steps rather than 64 KiB bursts. */
async function* pieces(chunks: AsyncIterable<Buffer>, size: number): AsyncIterable<Buffer> {
  for await (const chunk of chunks) {
    for (let at = 0; at < chunk.length; at += size) yield chunk.subarray(at, at + size);
  }
}

/**
 * Streams `chunks` after the headers, honouring backpressure (never more than the socket's buffer in memory) and
 * the shape: throttled to a rate, cut after N bytes (then the socket is destroyed, the Content-Length unmet),
 * reset right after the headers, or stalled until the client or the origin gives up.
 * `onBytes` is told every chunk handed to the socket. Breaking out of the loop closes the source (file stream).
 */
export async function sendBody(
  res: ServerResponse,
  chunks: AsyncIterable<Buffer>,
  shape: BodyShape,
  signal: AbortSignal,
  onBytes: (count: number) => void,
): Promise<BodyOutcome> {
  res.flushHeaders();
  if (shape.kind === "stall") {
    await once(res, "close");
    return "cut";
  }
  if (shape.kind === "reset") {
    await flushed(res);
    // A short pause lets the headers cross loopback before the RST, which would otherwise discard them.
    await sleep(20, undefined, { signal }).catch(() => undefined);
    res.socket?.resetAndDestroy();
    return "cut";
  }
  const limit = shape.kind === "truncate" ? shape.afterBytes : Number.POSITIVE_INFINITY;
  const rate = shape.kind === "normal" ? shape.bytesPerSecond : undefined;
  const source =
    rate === undefined ? chunks : pieces(chunks, Math.max(1, Math.min(16 * 1024, Math.floor(rate / 20))));
  const started = Date.now();
  let sent = 0;
  try {
    for await (const chunk of source) {
      const part = chunk.length > limit - sent ? chunk.subarray(0, limit - sent) : chunk;
      if (rate !== undefined) {
        const due = started + ((sent + part.length) / rate) * 1000;
        if (due > Date.now()) await sleep(due - Date.now(), undefined, { signal });
      }
      if (part.length > 0 && !res.write(part)) await once(res, "drain", { signal });
      sent += part.length;
      onBytes(part.length);
      if (sent >= limit) break;
    }
  } catch (error) {
    if (signal.aborted) return "cut";
    throw error;
  }
  if (signal.aborted) return "cut";
  if (shape.kind === "truncate") {
    // Plain destroy (FIN, not RST) so the client does receive the bytes sent before the cut.
    await flushed(res);
    res.socket?.destroy();
    return "cut";
  }
  res.end();
  return "complete";
}
