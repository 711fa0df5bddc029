import { Readable } from "node:stream";
import { finished } from "node:stream/promises";
import type { Agent, Dispatcher } from "undici";
import type { OriginTransport, StreamedExchange } from "./origin-exchange.js";

/**
 * A response body fed by the dispatcher: pushes what arrives, pauses the connection when the reader falls behind
 * (backpressure), and aborts the exchange when destroyed before its end.
 */
class ResponseBody extends Readable {
  readonly #controller: Dispatcher.DispatchController;
  #complete = false;

  constructor(controller: Dispatcher.DispatchController) {
    super();
    this.#controller = controller;
  }

  complete(): void {
    this.#complete = true;
    this.push(null);
  }

  override _read(): void {
    this.#controller.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.#complete) this.#controller.abort(error ?? new Error("response body destroyed before its end"));
    callback(error);
  }
}

/**
 * One exchange through undici's dispatch API. undici's request() does the same with more around it (an async
 * resource and its scope on every chunk, a richer body class): a minimal copy of 4,000 small objects from nginx
 * used a quarter less user CPU this way (docs/benchmarks.md). The signal aborts the exchange wherever it is: before the response (the
 * promise rejects with the signal's reason) or within the body (the body errors with it).
 */
class GetHandler implements Dispatcher.DispatchHandler {
  readonly #resolve: (exchange: StreamedExchange) => void;
  readonly #reject: (error: unknown) => void;
  readonly #signal: AbortSignal | undefined;
  #controller: Dispatcher.DispatchController | undefined;
  #body: ResponseBody | undefined;
  #reason: unknown;

  constructor(
    signal: AbortSignal | undefined,
    resolve: (exchange: StreamedExchange) => void,
    reject: (error: unknown) => void,
  ) {
    this.#signal = signal;
    this.#resolve = resolve;
    this.#reject = reject;
    signal?.addEventListener("abort", this.#onAbort, { once: true });
  }

  readonly #onAbort = () => {
    this.#reason = this.#signal?.reason;
    if (this.#body !== undefined) {
      this.#body.destroy(this.#reason as Error);
      return;
    }
    // Still waiting for a connection, or for the response: the caller stops waiting now; the exchange is cut
    // now or as soon as it starts (onRequestStart).
    this.#controller?.abort(this.#reason as Error);
    this.fail(this.#reason);
  };

  #release(): void {
    this.#signal?.removeEventListener("abort", this.#onAbort);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#reason !== undefined) controller.abort(this.#reason as Error);
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    if (statusCode < 200) return; // 1xx: the response is still to come
    if (this.#reason !== undefined) {
      controller.abort(this.#reason as Error); // aborted meanwhile: the caller has its rejection already
      return;
    }
    const body = new ResponseBody(controller);
    this.#body = body;
    body.once("close", () => this.#release());
    this.#resolve({ statusCode, headers, body });
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#body !== undefined && !this.#body.push(chunk)) controller.pause();
  }

  onResponseEnd(): void {
    this.#body?.complete();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
  }

  /** The exchange failed: before the response the promise rejects, within the body the body errors. */
  fail(error: unknown): void {
    if (this.#body === undefined) {
      this.#release();
      this.#reject(error);
    } else {
      this.#body.destroy(error as Error);
    }
  }
}

function dispatchGet(
  dispatcher: Dispatcher,
  url: URL,
  headers: Readonly<Record<string, string>>,
  signal: AbortSignal | undefined,
): Promise<StreamedExchange> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<StreamedExchange>((resolve, reject) => {
    const handler = new GetHandler(signal, resolve, reject);
    try {
      dispatcher.dispatch(
        { origin: url.origin, path: `${url.pathname}${url.search}`, method: "GET", headers },
        handler,
      );
    } catch (error) {
      handler.fail(error);
    }
  });
}

/** Bytes of an unwanted body (a redirect's, an error's) read to keep the connection; past this it is closed. */
const DRAIN_BYTES = 64 * 1024;

/** Reads and drops a body we do not want, so its connection can serve the next request; never throws. */
export async function drain(body: Readable): Promise<void> {
  let bytes = 0;
  body.on("data", (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > DRAIN_BYTES) body.destroy();
  });
  await finished(body).catch(() => {});
}

/** An undici dispatcher as an origin transport. */
export function undiciTransport(agent: Dispatcher): OriginTransport {
  return {
    get: (url, headers, signal) => dispatchGet(agent, url, headers, signal),
    close: () => agent.close(),
  };
}

/** undici's Agent as the client's transport (`transport: "undici"`), loaded on first use: the default never pays for it. */
export function lazyUndiciTransport(options: Agent.Options): OriginTransport {
  let loaded: Promise<OriginTransport> | undefined;
  const load = () => {
    loaded ??= import("undici").then(({ Agent }) => undiciTransport(new Agent(options)));
    return loaded;
  };
  return {
    get: async (url, headers, signal) => (await load()).get(url, headers, signal),
    close: async () => {
      if (loaded !== undefined) await (await loaded).close();
    },
  };
}
