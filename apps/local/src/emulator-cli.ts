/**
 * Runs the MediaPackage VOD emulator by hand:
 *
 *   npx tsx apps/local/src/emulator-cli.ts --s3-endpoint http://127.0.0.1:5000 [--port 7777] [--work-dir DIR]
 *       [--queued-ms 2000]
 *
 * S3 and Secrets Manager are reached at --s3-endpoint (one moto server serves both), or at AWS_ENDPOINT_URL_S3 /
 * AWS_ENDPOINT_URL_SECRETS_MANAGER / AWS_ENDPOINT_URL. Prints the endpoint, then one line per endpoint outcome;
 * Ctrl-C stops it.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { S3Client } from "@aws-sdk/client-s3";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { startMediaPackageVodEmulator } from "./emulator.js";

const USAGE =
  "usage: emulator-cli --s3-endpoint URL [--secrets-endpoint URL] [--port N] [--work-dir DIR] [--queued-ms N]";

async function main(): Promise<number> {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        "s3-endpoint": { type: "string" },
        "secrets-endpoint": { type: "string" },
        port: { type: "string" },
        "work-dir": { type: "string" },
        "queued-ms": { type: "string" },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const s3Endpoint = values["s3-endpoint"] ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
  const secretsEndpoint =
    values["secrets-endpoint"] ??
    process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER ??
    values["s3-endpoint"] ??
    process.env.AWS_ENDPOINT_URL;
  const port = Number(values.port ?? 0);
  const queuedMs = values["queued-ms"] === undefined ? undefined : Number(values["queued-ms"]);
  if (!s3Endpoint || !Number.isInteger(port) || (queuedMs !== undefined && !(queuedMs >= 0))) {
    console.error(USAGE);
    return 2;
  }
  const region = process.env.AWS_REGION ?? "us-east-1";
  const credentials = {
    accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? "testing",
    secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? "testing",
  };
  const workDir = values["work-dir"] ?? (await mkdtemp(join(tmpdir(), "mediapackage-emulator-")));
  const emulator = await startMediaPackageVodEmulator({
    s3: new S3Client({ region, credentials, endpoint: s3Endpoint, forcePathStyle: true }),
    secretsManager: new SecretsManagerClient({ region, credentials, endpoint: secretsEndpoint }),
    workDir,
    port,
    timing: queuedMs === undefined ? undefined : { queuedMs },
    log: (message) => console.log(message),
  });
  console.log(`MediaPackage VOD emulator on ${emulator.endpoint} (work dir ${workDir})`);
  console.log(`  aws mediapackage-vod list-packaging-configurations --endpoint-url ${emulator.endpoint}`);
  await new Promise<void>((resolvePromise) => {
    process.once("SIGINT", resolvePromise);
    process.once("SIGTERM", resolvePromise);
  });
  await emulator.stop();
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error((error as Error).message);
    process.exitCode = 1;
  },
);
