/**
 * The Step Functions API subset on 127.0.0.1 (awsJson1_0: POST /, `X-Amz-Target: AWSStepFunctions.<Operation>`),
 * so `aws stepfunctions … --endpoint-url` and `@aws-sdk/client-sfn` work against the local stack as against AWS.
 * Requests are not authenticated: the server listens on the loopback interface only.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { LocalStateMachines } from "../stack/state-machines.js";
import { OPERATIONS } from "./operations.js";
import { SfnApiError, toWire } from "./wire.js";

export interface SfnApiServerOptions {
  readonly machines: LocalStateMachines;
  /** 0 or absent: a free port. */
  readonly port?: number;
}

export interface SfnApiServer {
  /** `http://127.0.0.1:PORT` */
  readonly endpoint: string;
  stop(): Promise<void>;
}

const TARGET_PREFIX = "AWSStepFunctions.";
const CONTENT_TYPE = "application/x-amz-json-1.0";
const MAX_BODY_BYTES = 1024 * 1024;

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new SfnApiError("ValidationException", "request body too large", 413);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function send(response: ServerResponse, statusCode: number, body: unknown, errorType?: string): void {
  const text = JSON.stringify(body);
  response.writeHead(statusCode, {
    "Content-Type": CONTENT_TYPE,
    "Content-Length": Buffer.byteLength(text),
    "x-amzn-RequestId": randomUUID(),
    ...(errorType ? { "x-amzn-ErrorType": errorType } : {}),
  });
  response.end(text);
}

async function handle(request: IncomingMessage, response: ServerResponse, machines: LocalStateMachines) {
  try {
    if (request.method !== "POST")
      throw new SfnApiError("UnknownOperationException", "only POST / is served", 404);
    const target = request.headers["x-amz-target"];
    const operationName =
      typeof target === "string" && target.startsWith(TARGET_PREFIX)
        ? target.slice(TARGET_PREFIX.length)
        : "";
    const operation = OPERATIONS[operationName];
    if (operation === undefined) {
      throw new SfnApiError(
        "UnknownOperationException",
        `the local stack serves ${Object.keys(OPERATIONS).join(", ")}; not ${String(target ?? "(no X-Amz-Target)")}`,
      );
    }
    const text = await readBody(request);
    let body: unknown;
    try {
      body = text.trim() === "" ? {} : JSON.parse(text);
    } catch {
      throw new SfnApiError("SerializationException", "the request body is not JSON");
    }
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      throw new SfnApiError("SerializationException", "the request body is not a JSON object");
    }
    send(response, 200, toWire(operation(machines, body as Record<string, unknown>)));
  } catch (error) {
    if (error instanceof SfnApiError) {
      send(response, error.statusCode, { __type: error.code, message: error.message }, error.code);
    } else {
      const message = error instanceof Error ? error.message : String(error);
      send(response, 500, { __type: "InternalFailure", message }, "InternalFailure");
    }
  }
}

export async function startSfnApiServer(options: SfnApiServerOptions): Promise<SfnApiServer> {
  const server: Server = createServer(
    (request, response) => void handle(request, response, options.machines),
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
