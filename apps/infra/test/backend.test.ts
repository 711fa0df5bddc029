// The Terraform state backend chosen at synth time: the environment's choice, the synthesized block, and (where
// terraform and moto are here) Terraform's own S3 backend against moto, locking with S3's lock file.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { createS3ClientFromEnv } from "@vod-harvest/s3-sink";
import { type MotoServer, skipWithoutMoto, startMoto } from "@vod-harvest/testing/moto";
import { App, Testing } from "cdktf";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { offlinePlan, terraformVersion } from "../scripts/terraform.js";
import { type StateBackend, StateBackendConfigError, stateBackendFromEnv } from "../src/backend.js";
import { VodHarvestStack } from "../src/stack.js";

function synthesized(backend?: StateBackend) {
  const stack = new VodHarvestStack(Testing.app(), "vod-harvest", backend ? { backend } : {});
  return JSON.parse(Testing.synth(stack)).terraform;
}

describe("stateBackendFromEnv", () => {
  test.each<[string, Record<string, string>, StateBackend]>([
    ["nothing set: local", {}, { kind: "local" }],
    [
      "a bucket",
      { VOD_HARVEST_STATE_BUCKET: "team-tf-state" },
      { kind: "s3", bucket: "team-tf-state", keyPrefix: "vod-harvest/" },
    ],
    [
      "a bucket, its region and a prefix",
      {
        VOD_HARVEST_STATE_BUCKET: "team-tf-state",
        VOD_HARVEST_STATE_REGION: "eu-west-1",
        VOD_HARVEST_STATE_KEY_PREFIX: "prod/eu-west-1/",
      },
      { kind: "s3", bucket: "team-tf-state", region: "eu-west-1", keyPrefix: "prod/eu-west-1/" },
    ],
    [
      "an empty prefix",
      { VOD_HARVEST_STATE_BUCKET: "b-1-x", VOD_HARVEST_STATE_KEY_PREFIX: "" },
      { kind: "s3", bucket: "b-1-x", keyPrefix: "" },
    ],
  ])("%s", (_what, env, backend) => {
    expect(stateBackendFromEnv(env)).toEqual(backend);
  });

  test.each([
    [
      { VOD_HARVEST_STATE_BUCKET: "Team_State" },
      /VOD_HARVEST_STATE_BUCKET is not an S3 bucket name: "Team_State"/,
    ],
    [
      { VOD_HARVEST_STATE_BUCKET: "b-1-x", VOD_HARVEST_STATE_REGION: "europe" },
      /VOD_HARVEST_STATE_REGION is not an AWS region/,
    ],
    [
      { VOD_HARVEST_STATE_BUCKET: "b-1-x", VOD_HARVEST_STATE_KEY_PREFIX: "prod" },
      /VOD_HARVEST_STATE_KEY_PREFIX must be empty or end in one "\/"/,
    ],
    [
      { VOD_HARVEST_STATE_BUCKET: "b-1-x", VOD_HARVEST_STATE_KEY_PREFIX: "/prod/" },
      /VOD_HARVEST_STATE_KEY_PREFIX/,
    ],
    [{ VOD_HARVEST_STATE_REGION: "eu-west-1" }, /VOD_HARVEST_STATE_BUCKET is not/],
  ])("%j is refused, naming the variable", (env, message) => {
    expect(() => stateBackendFromEnv(env)).toThrow(StateBackendConfigError);
    expect(() => stateBackendFromEnv(env)).toThrow(message);
  });
});

describe("the synthesized backend", () => {
  test("default: a local state file named for the stack, relative to its directory (no checkout path)", () => {
    expect(synthesized().backend).toEqual({ local: { path: "terraform.vod-harvest.tfstate" } });
  });

  test("S3: the stack's own key, encrypted, locked with S3's lock file", () => {
    const backend = synthesized({
      kind: "s3",
      bucket: "team-tf-state",
      region: "eu-west-1",
      keyPrefix: "prod/",
    });
    expect(backend.backend).toEqual({
      s3: {
        bucket: "team-tf-state",
        key: "prod/vod-harvest/terraform.tfstate",
        region: "eu-west-1",
        encrypt: true,
        use_lockfile: true,
      },
    });
  });
});

const version = terraformVersion();
if (!version)
  console.warn("\n*** SKIPPED: terraform not installed: the S3 backend is not run against moto ***\n");

describe.skipIf(!version || skipWithoutMoto("terraform's S3 backend against moto"))(
  "terraform's S3 backend against moto",
  () => {
    const BUCKET = "team-tf-state";
    let moto: MotoServer;
    let outdir: string;
    let stackDir: string;
    const backendConfig = () =>
      [
        `endpoints = { s3 = "${moto.endpoint}" }`,
        "use_path_style = true",
        "skip_credentials_validation = true",
        "skip_requesting_account_id = true",
        "skip_region_validation = true",
        "skip_metadata_api_check = true",
        "",
      ].join("\n");
    const s3 = () => createS3ClientFromEnv({ env: moto.env, forcePathStyle: true });

    beforeAll(async () => {
      moto = await startMoto();
      await s3().send(new CreateBucketCommand({ Bucket: BUCKET }));
      outdir = mkdtempSync(join(tmpdir(), "vod-harvest-backend-"));
      const app = new App({ outdir });
      new VodHarvestStack(app, "vod-harvest", {
        backend: { kind: "s3", bucket: BUCKET, region: "us-east-1", keyPrefix: "dev/" },
      });
      app.synth();
      stackDir = join(outdir, "stacks", "vod-harvest");
    }, 120_000);
    afterAll(async () => {
      await moto?.stop();
      if (outdir) rmSync(outdir, { recursive: true, force: true });
    });

    test("a locked plan takes S3's lock file and gives it back; a lock someone holds stops the plan", async () => {
      const free = offlinePlan(stackDir, {}, { backendConfig: backendConfig(), lock: true });
      expect(free.ok, free.runs.map((run) => `${run.step}: ${run.stderr}`).join("\n")).toBe(true);
      const left = await s3().send(new ListObjectsV2Command({ Bucket: BUCKET }));
      expect((left.Contents ?? []).map((object) => object.Key)).toEqual([]);

      // Another engineer's plan or apply in progress: its lock file is there.
      await s3().send(
        new PutObjectCommand({ Bucket: BUCKET, Key: "dev/vod-harvest/terraform.tfstate.tflock", Body: "{}" }),
      );
      const held = offlinePlan(stackDir, {}, { backendConfig: backendConfig(), lock: true });
      expect(held.ok).toBe(false);
      const plan = held.runs.find((run) => run.step === "plan");
      expect(plan?.stderr).toMatch(/Error acquiring the state lock/);
    }, 300_000);
  },
);
