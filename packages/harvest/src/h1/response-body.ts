import { Readable } from "node:stream";
import { type FilledBody, fillBuffer } from "@vod-harvest/s3-sink/base";

/** What a body needs of its connection. */
export interface BodySource {
  /** Stop reading the socket once the current read is handed over (the reader is behind, or not there yet). */
  pause(): void;
  resume(): void;
  /** The reader gave up before the end: the connection cannot carry another request. */
  abort(reason: Error): void;
  /**
   * The connection's spare buffer, for bytes that arrive before the body has a reader. It holds at least two reads
   * (see `readBytes`), so a body of up to one read's size is received whole without stopping the socket.
   */
  spill(): Buffer;
  /** The most bytes one socket read delivers. */
  readonly readBytes: number;
  /** The body no longer needs the spare buffer: the connection may serve its next request. */
  release(): void;
}

type Mode = "waiting" | "stream" | "fill";

/**
 * A response body read from one of the client's connections, which reads into one buffer it reuses. Bytes that
 * arrive before the body has a reader wait in the connection's spare buffer, and the connection stops reading
 * until a reader comes. A stream reader then gets copies ('data'), with backpressure; a reader that provides memory
 * of the body's size (`[fillBuffer]`, the directory sink's small objects) gets every byte copied straight into it:
 * no allocation per read, no chunk objects. Destroying the body before its end closes the connection.
 */
export class ResponseBody extends Readable {
  readonly #source: BodySource;
  #mode: Mode = "waiting";
  #complete = false;
  /** Bytes waiting in the spare buffer. */
  #waiting = 0;
  #target: Buffer | undefined;
  #filled = 0;
  #settleFill: ((outcome: FilledBody) => void) | undefined;

  constructor(source: BodySource) {
    super();
    this.#source = source;
  }

  /** Hands over `buffer[start, end)`, valid only during the call. */
  deliver(buffer: Buffer, start: number, end: number): void {
    switch (this.#mode) {
      case "fill": {
        const target = this.#target as Buffer;
        if (this.#filled < target.length)
          buffer.copy(target, this.#filled, start, Math.min(end, start + target.length - this.#filled));
        this.#filled += end - start;
        return;
      }
      case "stream": {
        const chunk = Buffer.allocUnsafe(end - start);
        buffer.copy(chunk, 0, start, end);
        if (!this.push(chunk)) this.#source.pause();
        return;
      }
      case "waiting": {
        // The connection stops reading once the spare buffer might not hold one more read: a body of a read's
        // size or less (most segments) arrives whole without the socket stopping and starting again.
        const spill = this.#source.spill();
        if (this.#waiting + end - start > spill.length)
          throw new Error("more bytes than the spare buffer holds before a reader came");
        this.#waiting += buffer.copy(spill, this.#waiting, start, end);
        if (spill.length - this.#waiting < this.#source.readBytes) this.#source.pause();
        return;
      }
    }
  }

  /** The body ended. Returns whether the body still holds the connection's spare buffer (released later). */
  complete(): boolean {
    this.#complete = true;
    if (this.#mode === "stream") this.push(null);
    else if (this.#mode === "fill") this.#finishFill(undefined);
    return this.#mode === "waiting" && this.#waiting > 0;
  }

  [fillBuffer](target: Buffer): Promise<FilledBody> {
    if (this.destroyed) {
      const error = this.errored ?? new Error("the body was destroyed before it was read");
      return Promise.resolve({ bytes: 0, error });
    }
    if (this.#mode !== "waiting") {
      return Promise.resolve({ bytes: 0, error: new Error("the body is already being read as a stream") });
    }
    this.#mode = "fill";
    this.#target = target;
    const held = this.#waiting;
    this.#filled = held;
    this.#waiting = 0;
    if (held > 0) {
      this.#source.spill().copy(target, 0, 0, Math.min(held, target.length));
      if (this.#complete) this.#source.release();
    }
    const outcome = new Promise<FilledBody>((resolve) => {
      this.#settleFill = resolve;
    });
    if (this.#complete) this.#finishFill(undefined);
    else this.#source.resume();
    return outcome;
  }

  #finishFill(error: Error | undefined): void {
    const settle = this.#settleFill;
    this.#settleFill = undefined;
    this.#target = undefined;
    settle?.(error === undefined ? { bytes: this.#filled } : { bytes: this.#filled, error });
    // A fill reader never reads the stream: end it so that it closes like any other body. read(0) ends it at once;
    // resume() went through the flowing machinery first (twice the time per body).
    if (error === undefined && !this.destroyed) {
      this.push(null);
      this.read(0);
    }
  }

  /** The exchange failed: a fill reader learns it from its outcome, a stream reader from the body's error. */
  fail(error: Error): void {
    if (this.#mode === "fill") {
      this.#finishFill(error);
      this.destroy();
    } else {
      this.destroy(error);
    }
  }

  override _read(): void {
    if (this.#mode === "waiting") {
      this.#mode = "stream";
      if (this.#waiting > 0) {
        const chunk = Buffer.allocUnsafe(this.#waiting);
        this.#source.spill().copy(chunk, 0, 0, this.#waiting);
        this.#waiting = 0;
        if (this.#complete) this.#source.release();
        this.push(chunk);
      }
      if (this.#complete) {
        this.push(null);
        return;
      }
    }
    this.#source.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const held = this.#mode === "waiting" && this.#waiting > 0;
    this.#waiting = 0;
    if (!this.#complete) this.#source.abort(error ?? new Error("response body destroyed before its end"));
    else if (held) this.#source.release();
    if (this.#mode === "fill" && this.#settleFill !== undefined) {
      this.#finishFill(error ?? new Error("response body destroyed before its end"));
    }
    callback(error);
  }
}
