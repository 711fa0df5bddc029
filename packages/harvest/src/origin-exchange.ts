import type { Readable } from "node:stream";

/** The response to one GET: status, headers (lower-case names) and the body, not yet read. */
export interface OriginExchange {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Readable;
}

/**
 * Sends GETs and hands back responses, keeping connections between them. The signal aborts an exchange wherever it
 * is: before the response (the promise rejects with the signal's reason) or within the body (the body errors).
 */
export interface OriginTransport {
  get(
    url: URL,
    headers: Readonly<Record<string, string>>,
    signal: AbortSignal | undefined,
  ): Promise<OriginExchange>;
  close(): Promise<void>;
}
