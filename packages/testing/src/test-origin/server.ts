import { realpath, stat } from "node:fs/promises";
import { createServer } from "node:http";
import type { Socket } from "node:net";
import { TestOriginError } from "./errors.js";
import { FaultRegistry } from "./faults.js";
import { FileStore } from "./files.js";
import { type HandlerContext, handleRequest } from "./handler.js";
import { RequestLog } from "./log.js";
import type { TestOrigin, TestOriginOptions } from "./types.js";

/** Servers started by tests listen on loopback only. */
const HOST = "127.0.0.1";

async function resolveRoot(root: string | undefined): Promise<string | undefined> {
  if (root === undefined) return undefined;
  try {
    const real = await realpath(root);
    if ((await stat(real)).isDirectory()) return real;
  } catch (error) {
    throw new TestOriginError("ROOT_NOT_A_DIRECTORY", `root ${root} is not a readable directory`, {
      cause: error,
    });
  }
  throw new TestOriginError("ROOT_NOT_A_DIRECTORY", `root ${root} is not a directory`);
}

function validateOptions(options: TestOriginOptions): void {
  const { port = 0, seed = 1 } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TestOriginError("INVALID_OPTIONS", `port must be an integer in 0..65535, got ${port}`);
  }
  if (!Number.isInteger(seed))
    throw new TestOriginError("INVALID_OPTIONS", `seed must be an integer, got ${seed}`);
  for (const [name, value] of Object.entries(options.requireHeaders ?? {})) {
    if (typeof value !== "string") {
      throw new TestOriginError("INVALID_OPTIONS", `requireHeaders.${name} must be a string`);
    }
  }
}

/**
 * Starts an HTTP origin on 127.0.0.1 that serves `root` and/or in-memory files with Range support, optional
 * required headers and redirects, injectable faults and a request log. See TestOriginOptions and TestOrigin.
 */
export async function startTestOrigin(options: TestOriginOptions = {}): Promise<TestOrigin> {
  validateOptions(options);
  const store = new FileStore(await resolveRoot(options.root), options.contentTypes);
  const files = options.files instanceof Map ? options.files : new Map(Object.entries(options.files ?? {}));
  for (const [path, file] of files) store.set(path, file);

  const context: HandlerContext = {
    store,
    faults: new FaultRegistry(options.seed ?? 1),
    log: new RequestLog(),
    connectionIds: new WeakMap<Socket, number>(),
    requireHeaders: Object.entries(options.requireHeaders ?? {}).map(([name, value]) => [
      name.toLowerCase(),
      value,
    ]),
    redirects: new Map(Object.entries(options.redirects ?? {})),
    etag: options.etag ?? true,
    lastModified: options.lastModified ?? true,
  };

  let connections = 0;
  const server = createServer((req, res) => {
    handleRequest(context, req, res).catch(() => {
      // An unexpected failure (e.g. a file vanishing mid-read) must still end the exchange visibly.
      if (!res.headersSent) res.writeHead(500, { "Content-Length": 0 }).end();
      else res.socket?.destroy();
    });
  });
  server.on("connection", (socket: Socket) => context.connectionIds.set(socket, ++connections));

  await new Promise<void>((resolve, reject) => {
    server.once("error", (error) =>
      reject(
        new TestOriginError("LISTEN_FAILED", `cannot listen on ${HOST}:${options.port ?? 0}`, {
          cause: error,
        }),
      ),
    );
    server.listen(options.port ?? 0, HOST, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  const url = `http://${HOST}:${port}/`;

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    get requests() {
      return context.log.records;
    },
    get counts() {
      return context.log.counts;
    },
    count: (path) => context.log.count(path),
    resetLog: () => context.log.reset(),
    urlOf: (path) => new URL(path, url).href,
    setFile: (path, file) => store.set(path, file),
    deleteFile: (path) => store.delete(path),
    addFault: (match, fault) => context.faults.add(match, fault),
    clearFaults: () => context.faults.clear(),
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // close() alone waits for idle keep-alive and stalled connections; end them now.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
