/**
 * An incremental HTTP/1.1 response parser (RFC 9112) for the origin client's own connections: bytes in, a head, body
 * byte ranges and an end out. Body bytes are handed over as ranges of the buffer fed, never copied, so the caller
 * decides where they go. One response at a time: we never pipeline, so bytes after a complete response are the
 * server's mistake and are left to the caller (feed returns where it stopped).
 */
import { HttpConnectionError } from "../errors.js";

/** How the body of a response is delimited (RFC 9112 §6.3). */
export type BodyFraming =
  | { readonly kind: "none" }
  | { readonly kind: "length"; readonly length: number }
  | { readonly kind: "chunked" }
  /** Until the server closes the connection. */
  | { readonly kind: "close" };

export interface ResponseHead {
  readonly statusCode: number;
  /** Lower-case names; a repeated header's values in order. */
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly framing: BodyFraming;
  /** Whether the connection may carry another request after this response. */
  readonly keepAlive: boolean;
}

export interface ResponseEvents {
  onHead(head: ResponseHead): void;
  /** Body bytes `buffer[start, end)`: valid only during the call. */
  onBody(buffer: Buffer, start: number, end: number): void;
  onEnd(): void;
}

/** Larger response heads are refused (Node's own HTTP parser allows 16 KiB). */
export const MAX_HEAD_BYTES = 64 * 1024;
/** A chunk-size line (with extensions) or a trailer line longer than this is refused. */
const MAX_CONTROL_LINE = 4096;

const HEAD_END = Buffer.from("\r\n\r\n", "latin1");
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: |$)/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const DIGITS = /^\d+$/;
const HEX = /^[0-9A-Fa-f]{1,13}$/;

function protocolError(message: string): HttpConnectionError {
  return new HttpConnectionError("BAD_RESPONSE", message);
}

/**
 * The prototype of header field objects: empty and without Object's own properties, so a field named `constructor`
 * or `__proto__` is a field like any other. Objects made from it keep V8's fast property layout, where
 * `Object.create(null)` made a hash table per response (a fifth of the bytes allocated per object in a copy).
 */
const FIELDS: object = Object.create(null);

/** Reads a head's text: status line and header fields (lower-case names); obsolete line folding is joined with a space. */
export function parseHeadText(text: string): {
  statusCode: number;
  minor: number;
  headers: Record<string, string | string[]>;
} {
  // Line by line with indexOf: splitting the head first made an array and a string per line.
  let end = text.indexOf("\r\n");
  if (end < 0) end = text.length;
  const statusLine = text.slice(0, end);
  const status = STATUS_LINE.exec(statusLine);
  if (status === null)
    throw protocolError(`not an HTTP/1.x status line: ${JSON.stringify(statusLine.slice(0, 64))}`);
  const headers = Object.create(FIELDS) as Record<string, string | string[]>;
  let last: string | undefined;
  for (let start = end + 2; start < text.length; start = end + 2) {
    end = text.indexOf("\r\n", start);
    if (end < 0) end = text.length;
    if (end === start) continue;
    const first = text.charCodeAt(start);
    if ((first === 0x20 || first === 0x09) && last !== undefined) {
      const previous = headers[last] as string | string[];
      const joined = `${Array.isArray(previous) ? previous.at(-1) : previous} ${text.slice(start, end).trim()}`;
      if (Array.isArray(previous)) previous[previous.length - 1] = joined;
      else headers[last] = joined;
      continue;
    }
    const colon = text.indexOf(":", start);
    const name = colon > start && colon < end ? text.slice(start, colon) : "";
    if (!TOKEN.test(name))
      throw protocolError(
        `malformed header line: ${JSON.stringify(text.slice(start, Math.min(end, start + 64)))}`,
      );
    const key = name.toLowerCase();
    const value = text.slice(colon + 1, end).trim();
    const existing = headers[key];
    if (existing === undefined) headers[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else headers[key] = [existing, value];
    last = key;
  }
  return { statusCode: Number(status[2]), minor: Number(status[1]), headers };
}

function listOf(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  if (typeof value === "string" && !value.includes(",")) {
    const item = value.trim().toLowerCase(); // the common case, without the split and its arrays
    return item === "" ? [] : [item];
  }
  return (Array.isArray(value) ? value : [value]).flatMap((item) =>
    item
      .split(",")
      .map((part) => part.trim().toLowerCase())
      .filter((part) => part !== ""),
  );
}

/** The body's framing and whether the connection stays open after it (RFC 9112 §6.3, §9.3). */
export function framingOf(
  statusCode: number,
  minor: number,
  headers: Readonly<Record<string, string | string[]>>,
): { framing: BodyFraming; keepAlive: boolean } {
  const connection = listOf(headers.connection);
  let keepAlive = minor === 1 ? !connection.includes("close") : connection.includes("keep-alive");
  if (statusCode === 204 || statusCode === 304 || statusCode < 200)
    return { framing: { kind: "none" }, keepAlive };
  const codings = listOf(headers["transfer-encoding"]);
  if (codings.length > 0) {
    if (codings.at(-1) !== "chunked") return { framing: { kind: "close" }, keepAlive: false };
    if (codings.length > 1) throw protocolError(`unsupported Transfer-Encoding: ${codings.join(", ")}`);
    // With Content-Length as well the message may be a smuggling attempt: read it chunked, then close.
    if (headers["content-length"] !== undefined) keepAlive = false;
    return { framing: { kind: "chunked" }, keepAlive };
  }
  const lengths = listOf(headers["content-length"]);
  if (lengths.length > 0) {
    const first = lengths[0] as string;
    if (!DIGITS.test(first) || lengths.some((length) => length !== first))
      throw protocolError(`bad Content-Length: ${JSON.stringify(lengths.join(", "))}`);
    const length = Number(first);
    if (!Number.isSafeInteger(length)) throw protocolError(`bad Content-Length: ${first}`);
    return { framing: length === 0 ? { kind: "none" } : { kind: "length", length }, keepAlive };
  }
  return { framing: { kind: "close" }, keepAlive: false };
}

const State = {
  Head: 0,
  Length: 1,
  ChunkSize: 2,
  ChunkData: 3,
  ChunkDataEnd: 4,
  Trailer: 5,
  Close: 6,
  Done: 7,
} as const;
type State = (typeof State)[keyof typeof State];

/** Parses one response (and the interim 1xx responses before it) from the bytes fed to it. */
export class ResponseParser {
  readonly #events: ResponseEvents;
  #state: State = State.Head;
  /** Head bytes of earlier feeds, when the head spans reads. */
  #pending: Buffer | undefined;
  #remaining = 0;
  #line = "";

  constructor(events: ResponseEvents) {
    this.#events = events;
  }

  get complete(): boolean {
    return this.#state === State.Done;
  }

  /** Whether the parser is still reading a head (no response has begun yet). */
  get awaitingHead(): boolean {
    return this.#state === State.Head;
  }

  /**
   * Parses `buffer[start, end)`. Returns the offset where it stopped: `end`, or earlier when the response completed
   * and bytes remain (which the caller must treat as a protocol fault). Throws HttpConnectionError.
   */
  feed(buffer: Buffer, start: number, end: number): number {
    let offset = start;
    while (offset < end) {
      switch (this.#state) {
        case State.Head:
          offset = this.#head(buffer, offset, end);
          break;
        case State.Length:
        case State.ChunkData:
          offset = this.#counted(buffer, offset, end);
          break;
        case State.Close:
          this.#events.onBody(buffer, offset, end);
          offset = end;
          break;
        case State.ChunkSize:
        case State.ChunkDataEnd:
        case State.Trailer:
          offset = this.#controlLine(buffer, offset, end);
          break;
        case State.Done:
          return offset;
      }
    }
    return offset;
  }

  /** The server closed the connection: ends a body delimited by the close; anything else unfinished is an error. */
  finish(): void {
    if (this.#state === State.Close) {
      this.#finish();
      return;
    }
    if (this.#state === State.Done) return;
    const what = this.#state === State.Head ? "before the response head ended" : "before the body ended";
    throw new HttpConnectionError("CONNECTION_CLOSED", `the server closed the connection ${what}`);
  }

  /** Body bytes of a known count (a Content-Length body, or one chunk's data). */
  #counted(buffer: Buffer, start: number, end: number): number {
    const stop = Math.min(end, start + this.#remaining);
    this.#events.onBody(buffer, start, stop);
    this.#remaining -= stop - start;
    if (this.#remaining === 0) {
      if (this.#state === State.Length) this.#finish();
      else this.#state = State.ChunkDataEnd;
    }
    return stop;
  }

  #finish(): void {
    this.#state = State.Done;
    this.#events.onEnd();
  }

  #head(buffer: Buffer, start: number, end: number): number {
    let bytes = buffer.subarray(start, end);
    const carried = this.#pending?.length ?? 0;
    if (this.#pending !== undefined) bytes = Buffer.concat([this.#pending, bytes]);
    const at = bytes.indexOf(HEAD_END);
    if (at < 0) {
      if (bytes.length > MAX_HEAD_BYTES)
        throw protocolError(`response head larger than ${MAX_HEAD_BYTES} bytes`);
      this.#pending = Buffer.from(bytes); // our own copy: the caller's buffer is reused
      return end;
    }
    if (at > MAX_HEAD_BYTES) throw protocolError(`response head larger than ${MAX_HEAD_BYTES} bytes`);
    this.#pending = undefined;
    const { statusCode, minor, headers } = parseHeadText(bytes.toString("latin1", 0, at));
    const consumed = start + at + HEAD_END.length - carried;
    if (statusCode < 200) {
      if (statusCode === 101) throw protocolError("unexpected 101 Switching Protocols");
      return consumed; // interim response: the real one follows
    }
    const { framing, keepAlive } = framingOf(statusCode, minor, headers);
    this.#events.onHead({ statusCode, headers, framing, keepAlive });
    switch (framing.kind) {
      case "none":
        this.#finish();
        break;
      case "length":
        this.#state = State.Length;
        this.#remaining = framing.length;
        break;
      case "chunked":
        this.#state = State.ChunkSize;
        break;
      case "close":
        this.#state = State.Close;
        break;
    }
    return consumed;
  }

  /** Chunk-size lines, the CRLF after each chunk's data, and trailer lines: short lines read byte by byte. */
  #controlLine(buffer: Buffer, start: number, end: number): number {
    const newline = buffer.indexOf(10, start);
    const stop = newline < 0 || newline >= end ? end : newline;
    this.#line += buffer.toString("latin1", start, stop);
    if (this.#line.length > MAX_CONTROL_LINE) throw protocolError("chunked encoding line too long");
    if (stop === end) return end;
    const line = this.#line.endsWith("\r") ? this.#line.slice(0, -1) : this.#line;
    this.#line = "";
    this.#onControlLine(line);
    return stop + 1;
  }

  #onControlLine(line: string): void {
    switch (this.#state) {
      case State.ChunkDataEnd:
        if (line !== "") throw protocolError("missing CRLF after chunk data");
        this.#state = State.ChunkSize;
        return;
      case State.ChunkSize: {
        const size = (line.split(";", 1)[0] ?? "").trim();
        if (!HEX.test(size)) throw protocolError(`bad chunk size: ${JSON.stringify(line.slice(0, 32))}`);
        this.#remaining = Number.parseInt(size, 16);
        this.#state = this.#remaining === 0 ? State.Trailer : State.ChunkData;
        return;
      }
      case State.Trailer:
        if (line === "") this.#finish(); // trailer fields themselves are of no use to us
        return;
    }
  }
}
