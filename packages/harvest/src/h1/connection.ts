/**
 * One HTTP/1.1 connection of the origin client: one request at a time (no pipelining), the response parsed from a
 * read buffer the connection reuses (the socket's `onread`), so receiving costs no allocation per read.
 */
import { connect as connectTcp, isIP, type LookupFunction, type Socket } from "node:net";
import type { BodyMemory } from "@vod-harvest/s3-sink/base";
import { HttpConnectionError } from "../errors.js";
import type { OriginExchange } from "../origin-exchange.js";
import { ResponseBody } from "./response-body.js";
import { type ResponseHead, ResponseParser } from "./response-parser.js";

/**
 * Bytes read from the socket at once. Four times Node's default: a 64 KiB segment and its head come in one read
 * instead of two (4,005 segments: 8,419 reads -> 4,449, ~4 % less CPU). Pages are touched only as far as reads
 * fill them.
 */
const READ_BUFFER_BYTES = 256 * 1024;

export interface ConnectionTarget {
  readonly secure: boolean;
  /** Without IPv6 brackets. */
  readonly hostname: string;
  readonly port: number;
  readonly lookup: LookupFunction | undefined;
  /** Certificates to trust instead of Node's bundled ones (https). */
  readonly ca: string | Buffer | undefined;
}

/** How far a body being received into memory had come when its exchange failed. */
interface CutBody {
  readonly expected: number;
  readonly received: number;
}

/** A request handed to a connection. */
export interface ExchangeRequest {
  /** The request's bytes: request line and header fields, ended by the empty line. */
  readonly head: string;
  /** Memory to receive a small 200 body into before resolving (see OriginTransport.get). */
  readonly memory: BodyMemory | undefined;
  readonly resolve: (exchange: OriginExchange) => void;
  /**
   * Rejects the request; `staleConnection` says a fresh connection may succeed where a reused one went stale, `cut`
   * that the body was being received into memory and broke off.
   */
  readonly reject: (error: unknown, staleConnection: boolean, cut?: CutBody) => void;
}

/** A body being received into memory: the response's head, and the memory with what has arrived so far. */
interface Filling {
  readonly head: ResponseHead;
  readonly target: Buffer;
  filled: number;
}

/** The body's length when the response qualifies for `memory`: a 200 with a Content-Length in range, not encoded. */
function fillLength(head: ResponseHead, memory: BodyMemory | undefined): number | undefined {
  if (memory === undefined || head.statusCode !== 200 || head.framing.kind !== "length") return undefined;
  const coding = head.headers["content-encoding"];
  if (coding !== undefined && coding !== "identity") return undefined;
  return head.framing.length <= memory.maxBytes ? head.framing.length : undefined;
}

export interface ConnectionEvents {
  /** The response ended and the connection can carry another request. */
  onIdle(connection: H1Connection): void;
  /** The connection is gone (closed by either side, or failed). */
  onGone(connection: H1Connection): void;
}

type Phase = "idle" | "head" | "body";

export class H1Connection {
  readonly #socket: Socket;
  readonly #events: ConnectionEvents;
  readonly #now: () => number;
  #phase: Phase = "idle";
  #request: ExchangeRequest | undefined;
  #parser: ResponseParser | undefined;
  #body: ResponseBody | undefined;
  /** The body being received into the request's memory (the request stays pending until it is in). */
  #filling: Filling | undefined;
  #reusable = true;
  #served = 0;
  #gone = false;
  /** The body's reader is behind: stop reading once this read is handed over. */
  #paused = false;
  /** The socket stopped reading (the read callback returned false). */
  #stopped = false;
  /** When the current request was sent, or the body last received bytes or was resumed. */
  #since = 0;
  /** When the connection became idle, and how long it may stay so (a server's Keep-Alive hint shortens it). */
  #idleSince = 0;
  #idleLimitMs = Number.POSITIVE_INFINITY;
  /** Where a body keeps the bytes that arrive before it has a reader (response-body.ts); made on first use. */
  #spill: Buffer | undefined;
  /** The response ended but its body still holds the spare buffer: the next request waits for its release. */
  #held = false;
  /** A read is being parsed: a response that ends in it frees the connection only once the rest is checked. */
  #feeding = false;
  #endedInFeed = false;

  constructor(target: ConnectionTarget, events: ConnectionEvents, now: () => number) {
    this.#events = events;
    this.#now = now;
    const onread = { buffer: Buffer.allocUnsafe(READ_BUFFER_BYTES), callback: this.#onRead };
    const common = { host: target.hostname, port: target.port, onread, noDelay: true };
    const lookup = target.lookup === undefined ? {} : { lookup: target.lookup };
    this.#socket = target.secure
      ? // tls is loaded for an https origin only (it cost every start 10 ms).
        process.getBuiltinModule("node:tls").connect({
          ...common,
          ...lookup,
          ...(isIP(target.hostname) === 0 ? { servername: target.hostname } : {}),
          ...(target.ca === undefined ? {} : { ca: target.ca }),
          ALPNProtocols: ["http/1.1"],
        })
      : connectTcp({ ...common, ...lookup });
    this.#socket.on("error", (error) => this.#lost(error));
    this.#socket.on("end", () => this.#lost(undefined));
    this.#socket.on("close", () => this.#lost(undefined));
  }

  get busy(): boolean {
    return this.#request !== undefined || this.#body !== undefined || this.#held;
  }

  /** Sends a request; the connection must be idle. */
  send(request: ExchangeRequest): void {
    this.#request = request;
    this.#phase = "head";
    this.#since = this.#now();
    this.#socket.ref();
    this.#readAgain();
    this.#parser = new ResponseParser({
      onHead: (head) => this.#onHead(head),
      onBody: (buffer, start, end) => {
        const filling = this.#filling;
        if (filling !== undefined) filling.filled += buffer.copy(filling.target, filling.filled, start, end);
        else this.#body?.deliver(buffer, start, end);
      },
      onEnd: () => this.#onEnd(),
    });
    this.#socket.write(request.head, "latin1");
  }

  /** Fails what is in flight with `error` and closes the connection. */
  fail(error: Error): void {
    this.#failExchange(error, false);
    this.#destroy();
  }

  /** Closes the connection (idle ones when their time is up or the client closes). */
  close(): void {
    this.#destroy();
  }

  /** Checks the deadlines at `now`: the response head, the silence within a body, an idle connection's life. */
  sweep(now: number, headersTimeoutMs: number, bodyTimeoutMs: number, idleTimeoutMs: number): void {
    if (this.#phase === "head" && now - this.#since > headersTimeoutMs) {
      this.fail(new HttpConnectionError("HEADERS_TIMEOUT", `no response head within ${headersTimeoutMs} ms`));
    } else if (this.#phase === "body" && !this.#paused && now - this.#since > bodyTimeoutMs) {
      this.fail(new HttpConnectionError("BODY_TIMEOUT", `no body bytes for ${bodyTimeoutMs} ms`));
    } else if (
      this.#phase === "idle" &&
      !this.busy &&
      now - this.#idleSince > Math.min(idleTimeoutMs, this.#idleLimitMs)
    ) {
      this.#destroy();
    }
  }

  readonly #onRead = (bytes: number, buffer: Buffer): boolean => {
    const parser = this.#parser;
    if (parser === undefined || this.#phase === "idle") {
      // Nothing asked for: the server is out of step with us (or sent a stray response); never reuse this.
      this.#destroy();
      return false;
    }
    this.#since = this.#now();
    let stop: number;
    this.#feeding = true;
    try {
      stop = parser.feed(buffer, 0, bytes);
    } catch (error) {
      this.fail(error as Error);
      return false;
    } finally {
      this.#feeding = false;
    }
    const ended = this.#endedInFeed;
    this.#endedInFeed = false;
    if (stop < bytes) {
      // Bytes after a complete response: whatever they are, they are not an answer to anything we sent.
      this.#destroy();
      return false;
    }
    if (ended && !this.#held) this.#afterResponse();
    if (this.#paused) this.#stopped = true;
    return !this.#paused;
  };

  #onHead(head: ResponseHead): void {
    const request = this.#request as ExchangeRequest;
    this.#reusable = head.keepAlive;
    this.#idleLimitMs = keepAliveHintMs(head.headers["keep-alive"]);
    this.#phase = "body";
    const length = fillLength(head, request.memory);
    if (length !== undefined) {
      // No body object: the bytes go straight into the caller's memory (most segments take one or two reads).
      this.#filling = { head, target: (request.memory as BodyMemory).allocate(length), filled: 0 };
      return;
    }
    this.#request = undefined;
    const body = new ResponseBody({
      pause: () => {
        this.#paused = true;
      },
      resume: () => this.#resume(),
      abort: (reason) => {
        if (this.#body === body) this.fail(reason);
      },
      spill: () => {
        this.#spill ??= Buffer.allocUnsafe(2 * READ_BUFFER_BYTES);
        return this.#spill;
      },
      readBytes: READ_BUFFER_BYTES,
      release: () => {
        if (!this.#held) return;
        this.#held = false;
        this.#afterResponse();
      },
    });
    this.#body = body;
    request.resolve({ statusCode: head.statusCode, headers: head.headers, body });
  }

  #onEnd(): void {
    const filling = this.#filling;
    const request = this.#request;
    this.#filling = undefined;
    this.#request = undefined;
    const body = this.#body;
    this.#body = undefined;
    this.#parser = undefined;
    this.#phase = "idle";
    this.#served++;
    this.#idleSince = this.#now();
    this.#paused = false; // the body holds the rest; the connection is free of its reader
    if (filling !== undefined && request !== undefined) {
      const { statusCode, headers } = filling.head;
      request.resolve({ statusCode, headers, body: filling.target });
    }
    this.#held = body?.complete() ?? false;
    if (this.#feeding)
      this.#endedInFeed = true; // #onRead frees it once the rest of the read is checked
    else if (!this.#held) this.#afterResponse();
  }

  #afterResponse(): void {
    // An idle connection does not keep the process alive (the client may never be closed).
    this.#socket.unref();
    if (this.#reusable && !this.#gone) this.#events.onIdle(this);
    else this.#destroy();
  }

  #resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#since = this.#now();
    this.#readAgain();
  }

  #readAgain(): void {
    if (!this.#stopped || this.#gone) return;
    this.#stopped = false;
    this.#socket.resume();
  }

  /** The socket ended, closed or failed: finish a body delimited by the close, fail anything else in flight. */
  #lost(error: Error | undefined): void {
    if (this.#parser !== undefined && error === undefined && this.#phase === "body") {
      try {
        this.#parser.finish();
      } catch (fault) {
        this.#failExchange(fault as Error, false);
      }
    } else if (this.busy) {
      const closed =
        error ??
        new HttpConnectionError("CONNECTION_CLOSED", "the server closed the connection before answering");
      // A reused connection the server closed before our request reached it: a fresh one may do.
      this.#failExchange(closed, this.#phase === "head" && this.#served > 0);
    }
    this.#destroy();
  }

  #failExchange(error: Error, staleConnection: boolean): void {
    const request = this.#request;
    const body = this.#body;
    const filling = this.#filling;
    this.#request = undefined;
    this.#body = undefined;
    this.#filling = undefined;
    this.#parser = undefined;
    this.#phase = "idle";
    const cut = filling && { expected: filling.target.length, received: filling.filled };
    request?.reject(error, staleConnection, cut);
    if (body !== undefined && !body.destroyed) body.fail(error);
  }

  #destroy(): void {
    if (this.#gone) return;
    this.#gone = true;
    this.#reusable = false;
    this.#socket.destroy();
    if (this.busy) {
      this.#failExchange(new HttpConnectionError("CONNECTION_CLOSED", "the connection was closed"), false);
    }
    this.#events.onGone(this);
  }
}

/** `Keep-Alive: timeout=N`: the server closes idle connections after N s; stop using them a second before. */
function keepAliveHintMs(value: string | string[] | undefined): number {
  const text = Array.isArray(value) ? value[0] : value;
  const seconds = text === undefined ? undefined : /(?:^|[,\s])timeout=(\d+)/i.exec(text)?.[1];
  return seconds === undefined ? Number.POSITIVE_INFINITY : Math.max(0, Number(seconds) * 1000 - 1000);
}
