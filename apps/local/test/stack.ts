/** Test support: moto (S3 + Secrets Manager), the emulator, and real SDK clients pointed at them. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MediaPackageVodClient } from "@aws-sdk/client-mediapackage-vod";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { type MotoServer, startMoto } from "@vod-harvest/testing/moto";
import { type MediaPackageVodEmulator, startMediaPackageVodEmulator } from "../src/index.js";

export interface LocalStack {
  readonly moto: MotoServer;
  readonly emulator: MediaPackageVodEmulator;
  readonly s3: S3Client;
  readonly secrets: SecretsManagerClient;
  readonly mediapackage: MediaPackageVodClient;
  readonly workDir: string;
  stop(): Promise<void>;
}

export async function startLocalStack(bucket: string): Promise<LocalStack> {
  const moto = await startMoto();
  const common = { region: moto.region, credentials: moto.credentials, endpoint: moto.endpoint };
  const s3 = new S3Client({ ...common, forcePathStyle: true });
  const secrets = new SecretsManagerClient(common);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const workDir = await mkdtemp(join(tmpdir(), "mp-emulator-"));
  const emulator = await startMediaPackageVodEmulator({
    s3,
    secretsManager: secrets,
    workDir: join(workDir, "emulator"),
    timing: { queuedMs: 200, secretCacheMs: 0 },
  });
  const mediapackage = new MediaPackageVodClient({
    region: moto.region,
    credentials: moto.credentials,
    endpoint: emulator.endpoint,
  });
  return {
    moto,
    emulator,
    s3,
    secrets,
    mediapackage,
    workDir,
    async stop() {
      await emulator.stop();
      await moto.stop();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}
