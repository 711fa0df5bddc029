import { createHash } from "node:crypto";
import { Readable } from "node:stream";

/** Deterministic, non-repeating-ish bytes so a misplaced part would change the digest. */
export function patternBuffer(size: number, seed = 1): Buffer {
  const buffer = Buffer.allocUnsafe(size);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    buffer[i] = state >>> 24;
  }
  return buffer;
}

export function sha256(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** `data` as a stream of `chunkSize` chunks, with no known length (as an HTTP body would be). */
export function chunkedStream(data: Buffer, chunkSize = 64 * 1024): Readable {
  return Readable.from(
    (function* () {
      for (let offset = 0; offset < data.length; offset += chunkSize)
        yield data.subarray(offset, offset + chunkSize);
    })(),
    { objectMode: false },
  );
}

/** Yields `data`, then neither ends nor fails: like an origin that stalls. `delivered` resolves once all is read. */
export function stallingStream(data: Buffer): { stream: Readable; delivered: Promise<void> } {
  let markDelivered: () => void = () => {};
  const delivered = new Promise<void>((resolve) => {
    markDelivered = resolve;
  });
  let sent = false;
  const stream = new Readable({
    read() {
      if (sent) {
        markDelivered();
        return; // never push again: the consumer waits until the stream is destroyed
      }
      sent = true;
      this.push(data);
    },
  });
  return { stream, delivered };
}

/** Yields `data`, then fails like a reset connection. */
export function failingStream(data: Buffer): Readable {
  return Readable.from(
    (async function* () {
      yield data;
      throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    })(),
    { objectMode: false },
  );
}
