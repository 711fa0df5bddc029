import type { Readable } from "node:stream";
import type { BodyMemory } from "@vod-harvest/s3-sink/base";

/**
 * The response to one GET: status, headers (lower-case names) and the body — not yet read (a Readable), or, when
 * the request offered memory and the response qualified (see OriginTransport.get), already received into it.
 */
export interface OriginExchange {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Readable | Buffer;
}

/** An exchange whose body is still to be read (always so when no memory was offered). */
export interface StreamedExchange extends OriginExchange {
  readonly body: Readable;
}

/**
 * Sends GETs and hands back responses, keeping connections between them. The signal aborts an exchange wherever it
 * is: before the response (the promise rejects with the signal's reason) or within the body (the body errors).
 */
export interface OriginTransport {
  /**
   * With `memory`, a 200 response whose body has a Content-Length of at most `memory.maxBytes` and no content
   * coding is received whole into `memory.allocate(length)` before the promise resolves (the body is that Buffer);
   * a body cut short then rejects it with TruncatedBodyError. A transport may ignore `memory`.
   */
  get(
    url: URL,
    headers: Readonly<Record<string, string>>,
    signal: AbortSignal | undefined,
  ): Promise<StreamedExchange>;
  get(
    url: URL,
    headers: Readonly<Record<string, string>>,
    signal: AbortSignal | undefined,
    memory: BodyMemory | undefined,
  ): Promise<OriginExchange>;
  close(): Promise<void>;
}
