/**
 * The MediaPackage VOD REST API (restJson1) over node:http: routes, camelCase bodies, status codes, and errors
 * as `x-amzn-ErrorType` + `{"message"}` so the real SDK raises its own exception classes.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { MediaPackageApiError, type MediaPackageErrorName } from "./api-error.js";
import type { MediaPackageVodService } from "./service.js";
import {
  asBody,
  parseCreateAsset,
  parseCreateConfiguration,
  parseCreateGroup,
  parseListQuery,
} from "./validate.js";
import { fromWire, toWire } from "./wire.js";

export type OperationName =
  | "CreatePackagingGroup"
  | "DescribePackagingGroup"
  | "CreatePackagingConfiguration"
  | "DescribePackagingConfiguration"
  | "ListPackagingConfigurations"
  | "CreateAsset"
  | "DescribeAsset"
  | "ListAssets"
  | "DeleteAsset";

interface RouteCall {
  readonly service: MediaPackageVodService;
  readonly id: string;
  readonly body: () => Promise<Record<string, unknown>>;
  readonly query: URLSearchParams;
}

interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly operation: OperationName;
  readonly status: number;
  readonly handle: (call: RouteCall) => unknown;
}

const ROUTES: readonly Route[] = [
  route("POST", /^\/packaging_groups$/, "CreatePackagingGroup", async (c) =>
    c.service.createPackagingGroup(parseCreateGroup(await c.body())),
  ),
  route("GET", /^\/packaging_groups\/([^/]+)$/, "DescribePackagingGroup", (c) =>
    c.service.describePackagingGroup(c.id),
  ),
  route("POST", /^\/packaging_configurations$/, "CreatePackagingConfiguration", async (c) =>
    c.service.createPackagingConfiguration(parseCreateConfiguration(await c.body())),
  ),
  route("GET", /^\/packaging_configurations$/, "ListPackagingConfigurations", (c) =>
    c.service.listPackagingConfigurations(parseListQuery(c.query)),
  ),
  route("GET", /^\/packaging_configurations\/([^/]+)$/, "DescribePackagingConfiguration", (c) =>
    c.service.describePackagingConfiguration(c.id),
  ),
  route("POST", /^\/assets$/, "CreateAsset", async (c) =>
    c.service.createAsset(parseCreateAsset(await c.body())),
  ),
  route("GET", /^\/assets$/, "ListAssets", (c) => c.service.listAssets(parseListQuery(c.query))),
  route("GET", /^\/assets\/([^/]+)$/, "DescribeAsset", (c) => c.service.describeAsset(c.id)),
  route("DELETE", /^\/assets\/([^/]+)$/, "DeleteAsset", (c) => c.service.deleteAsset(c.id), 202),
];

function route(
  method: string,
  pattern: RegExp,
  operation: OperationName,
  handle: Route["handle"],
  status = 200,
): Route {
  return { method, pattern, operation, handle, status };
}

/** One-shot errors a test asks for: the next `times` calls of `operation` fail with `errorName`. */
export type FaultTable = Map<OperationName, { errorName: MediaPackageErrorName; remaining: number }>;

const MAX_BODY_BYTES = 1024 * 1024;

export async function serveApi(
  request: IncomingMessage,
  response: ServerResponse,
  service: MediaPackageVodService,
  faults: FaultTable,
): Promise<void> {
  const url = new URL(request.url ?? "/", "http://api");
  try {
    const match = findRoute(request.method ?? "GET", url.pathname);
    if (!match)
      throw new MediaPackageApiError("NotFoundException", `no operation ${request.method} ${url.pathname}`);
    // The SDK always signs; an unsigned call is what MediaPackage refuses with 403.
    if (!/^AWS4-HMAC-SHA256 Credential=/.test(request.headers.authorization ?? "")) {
      throw new MediaPackageApiError("ForbiddenException", "missing or malformed SigV4 Authorization header");
    }
    const fault = faults.get(match.route.operation);
    if (fault && fault.remaining > 0) {
      fault.remaining--;
      throw new MediaPackageApiError(
        fault.errorName,
        `injected ${fault.errorName} for ${match.route.operation}`,
      );
    }
    const output = await match.route.handle({
      service,
      id: match.id,
      query: url.searchParams,
      body: () => readJsonBody(request),
    });
    send(response, match.route.status, output === undefined ? {} : toWire(output));
  } catch (error) {
    const apiError =
      error instanceof MediaPackageApiError
        ? error
        : new MediaPackageApiError(
            "InternalServerErrorException",
            `emulator error: ${(error as Error).message}`,
          );
    send(
      response,
      apiError.status,
      { message: apiError.message },
      { "x-amzn-errortype": apiError.errorName },
    );
  }
}

function findRoute(method: string, pathname: string): { route: Route; id: string } | undefined {
  for (const candidate of ROUTES) {
    if (candidate.method !== method) continue;
    const match = candidate.pattern.exec(pathname);
    if (match) return { route: candidate, id: decodeURIComponent(match[1] ?? "") };
  }
  return undefined;
}

async function readJsonBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES)
      throw new MediaPackageApiError("UnprocessableEntityException", "request body too large");
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  let parsed: unknown;
  try {
    parsed = text === "" ? {} : JSON.parse(text);
  } catch {
    throw new MediaPackageApiError("UnprocessableEntityException", "request body is not JSON");
  }
  return asBody(fromWire(asBody(parsed)));
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "x-amzn-requestid": randomUUID(),
    ...headers,
  });
  response.end(text);
}
