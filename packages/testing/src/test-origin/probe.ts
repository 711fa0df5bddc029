import { type Agent, type IncomingHttpHeaders, request } from "node:http";

/** What a client saw of one exchange, including how it broke. */
export interface ProbeResult {
  /** Undefined when no response head arrived. */
  status: number | undefined;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Undefined when the body ended complete; otherwise the error code or message the client got. */
  error: string | undefined;
  /** Milliseconds from sending to the response head, and to the end. */
  headersAfterMs: number | undefined;
  elapsedMs: number;
}

export interface ProbeOptions {
  method?: string;
  headers?: Record<string, string>;
  /** Request target sent byte-for-byte (no dot-segment or percent normalization, unlike fetch/URL). */
  target?: string;
  agent?: Agent | false;
  /** The client gives up (destroys the request) after this long; default 10 s. */
  timeoutMs?: number;
}

function describe(error: unknown): string {
  if (error && typeof error === "object" && "code" in error && typeof error.code === "string")
    return error.code;
  return error instanceof Error ? error.message : String(error);
}

/**
 * A raw node:http client for observing faults exactly: it never throws, it reports status, headers, the bytes that
 * did arrive and the error. `base` is a URL like origin.url; `target` (or the URL's path) is sent as is.
 */
export function probe(base: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  const url = new URL(base);
  const started = performance.now();
  return new Promise((resolve) => {
    const result: ProbeResult = {
      status: undefined,
      headers: {},
      body: Buffer.alloc(0),
      error: undefined,
      headersAfterMs: undefined,
      elapsedMs: 0,
    };
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (error: string | undefined) => {
      if (settled) return;
      settled = true;
      result.body = Buffer.concat(chunks);
      result.error = error;
      result.elapsedMs = performance.now() - started;
      resolve(result);
    };
    const req = request({
      host: url.hostname,
      port: url.port,
      method: options.method ?? "GET",
      path: options.target ?? `${url.pathname}${url.search}`,
      headers: options.headers,
      agent: options.agent,
    });
    req.setTimeout(options.timeoutMs ?? 10_000, () =>
      req.destroy(Object.assign(new Error("timeout"), { code: "TIMEOUT" })),
    );
    req.on("error", (error) => finish(describe(error)));
    req.on("response", (res) => {
      result.status = res.statusCode;
      result.headers = res.headers;
      result.headersAfterMs = performance.now() - started;
      let bodyError: string | undefined;
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", (error) => {
        bodyError = describe(error);
      });
      res.on("close", () => finish(res.complete ? undefined : (bodyError ?? "incomplete")));
    });
    req.end();
  });
}
