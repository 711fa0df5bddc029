/**
 * startMediaPackageVodEmulator: one HTTP server on 127.0.0.1 that is both the MediaPackage VOD API (for the real
 * SDK client, through an endpoint override) and its egress (`/out/v1/…`).
 */
import { mkdir } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { InvalidArgumentError } from "./errors.js";
import type { MediaPackageErrorName } from "./mediapackage/api-error.js";
import { CdnIdentifierReader } from "./mediapackage/cdn-auth.js";
import { isEgressPath, serveEgress } from "./mediapackage/egress.js";
import { type FaultTable, type OperationName, serveApi } from "./mediapackage/http-api.js";
import { SerialQueue } from "./mediapackage/serial-queue.js";
import { MediaPackageVodService } from "./mediapackage/service.js";
import type { EmulatorTiming } from "./mediapackage/types.js";

export interface MediaPackageVodEmulatorOptions {
  /** Reads packaging sources (SourceArn `arn:aws:s3:::bucket/key.m3u8`). */
  readonly s3: S3Client;
  /** Reads the CDN identifier secrets of groups with Authorization. */
  readonly secretsManager: SecretsManagerClient;
  /** Downloaded sources, staging and the egress tree go here. */
  readonly workDir: string;
  /** 0 or absent: a free port. */
  readonly port?: number;
  readonly timing?: EmulatorTiming;
  /** One line per endpoint outcome; silent by default. */
  readonly log?: (message: string) => void;
}

export interface MediaPackageVodEmulator {
  /** `http://127.0.0.1:PORT`: the SDK's `endpoint`, and the origin of every egress URL. */
  readonly endpoint: string;
  readonly port: number;
  /** The next `times` calls of `operation` fail with `errorName` (to test clients' error handling). */
  injectFault(operation: OperationName, errorName: MediaPackageErrorName, times?: number): void;
  /** Stops packaging and the server. */
  stop(): Promise<void>;
}

const DEFAULT_QUEUED_MS = 2_000;
const DEFAULT_SECRET_CACHE_MS = 1_000;

export async function startMediaPackageVodEmulator(
  options: MediaPackageVodEmulatorOptions,
): Promise<MediaPackageVodEmulator> {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new InvalidArgumentError(`port: ${port} is not a port`);
  const workDir = resolve(options.workDir);
  const egressRoot = join(workDir, "egress");
  await mkdir(egressRoot, { recursive: true });
  let origin = "";
  const cdnIdentifiers = new CdnIdentifierReader(
    options.secretsManager,
    options.timing?.secretCacheMs ?? DEFAULT_SECRET_CACHE_MS,
  );
  const service = new MediaPackageVodService(() => origin, cdnIdentifiers, {
    s3: options.s3,
    workDir,
    egressRoot,
    queue: new SerialQueue(),
    queuedMs: options.timing?.queuedMs ?? DEFAULT_QUEUED_MS,
    log: options.log ?? (() => {}),
  });
  const faults: FaultTable = new Map();
  const egress = {
    egressRoot,
    cdnIdentifiers,
    areaGroup: (area: string) => {
      const groupId = service.egressAreas.get(area);
      return groupId === undefined ? undefined : service.group(groupId);
    },
  };

  const server = createServer((request, response) => {
    const pathname = (request.url ?? "/").split("?")[0] ?? "/";
    const handled = isEgressPath(pathname)
      ? serveEgress(request, response, egress)
      : serveApi(request, response, service, faults);
    handled.catch(() => {
      // A client that went away mid-body (a cancelled segment download): nothing left to answer.
      if (!response.headersSent) response.writeHead(500).end();
      else response.destroy();
    });
  });
  await listen(server, port);
  const address = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${address.port}`;

  return {
    endpoint: origin,
    port: address.port,
    injectFault(operation, errorName, times = 1) {
      faults.set(operation, { errorName, remaining: times });
    },
    async stop() {
      await service.stop();
      await new Promise<void>((resolvePromise) => {
        server.close(() => resolvePromise());
        server.closeAllConnections();
      });
    },
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolvePromise();
    });
  });
}
