// Offline `terraform init / validate / plan` of the synthesized stack, with no AWS account: a private CLI config
// pointing at the local provider mirror, mock credentials, and `offline_plan=true` (provider skip flags, fixed
// account id). Used by `pnpm plan` and by the tests.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CATALOG_LAMBDA_NAMES, LAMBDA_NAMES } from "@vod-harvest/workflow";

/** Every Lambda of the stack: the per-asset workflow's and the catalogue's. */
const ALL_LAMBDAS = [...LAMBDA_NAMES, ...CATALOG_LAMBDA_NAMES];

export const LAMBDA_DIST_DIR = fileURLToPath(new URL("../../lambdas/dist", import.meta.url));
const PLUGIN_MIRROR = process.env.VOD_HARVEST_TF_PLUGIN_MIRROR ?? "/opt/tf-plugins";

export function terraformVersion(): string | undefined {
  const result = spawnSync("terraform", ["version", "-json"], { encoding: "utf8" });
  if (result.status !== 0) return undefined;
  return (JSON.parse(result.stdout) as { terraform_version: string }).terraform_version;
}

/**
 * The zips apps/lambdas builds, or — when they are not built yet — empty placeholder zips (a valid empty archive,
 * 22 bytes) under cdktf.out, so the plan can still be reviewed. A placeholder never reaches a deploy: only this
 * offline plan passes their directory, and the returned flag is printed loudly.
 */
export function lambdaZipDir(stackOut: string): { dir: string; placeholders: boolean } {
  if (ALL_LAMBDAS.every((name) => existsSync(join(LAMBDA_DIST_DIR, `${name}.zip`)))) {
    return { dir: LAMBDA_DIST_DIR, placeholders: false };
  }
  const dir = join(stackOut, "placeholder-lambdas");
  mkdirSync(dir, { recursive: true });
  const emptyZip = Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array<number>(18).fill(0)]);
  for (const name of ALL_LAMBDAS) writeFileSync(join(dir, `${name}.zip`), emptyZip);
  return { dir, placeholders: true };
}

export interface TerraformRun {
  readonly step: string;
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface OfflinePlan {
  readonly runs: TerraformRun[];
  readonly ok: boolean;
  readonly planText?: string;
  readonly placeholders: boolean;
}

export interface OfflinePlanOptions {
  /** Backend settings for `terraform init` (a `-backend-config` file's HCL), e.g. an S3 endpoint. */
  readonly backendConfig?: string;
  /** Take the state lock during the plan (default: no lock, as a local review needs none). */
  readonly lock?: boolean;
  /** The region of the default chain when `aws_region` is not given (default: AWS_REGION, else us-east-1). */
  readonly region?: string;
}

/** init, validate, plan and show in `stackDir` (which holds cdk.tf.json); stops at the first failing step. */
export function offlinePlan(
  stackDir: string,
  extraVars: Readonly<Record<string, string>> = {},
  options: OfflinePlanOptions = {},
): OfflinePlan {
  const configDir = mkdtempSync(join(tmpdir(), "vod-harvest-tf-"));
  const cliConfig = join(configDir, "terraform.rc");
  writeFileSync(
    cliConfig,
    `provider_installation {
  filesystem_mirror {
    path    = "${PLUGIN_MIRROR}"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }
}
`,
  );
  const env = {
    ...process.env,
    TF_CLI_CONFIG_FILE: cliConfig,
    TF_IN_AUTOMATION: "1",
    CHECKPOINT_DISABLE: "1",
    AWS_ACCESS_KEY_ID: "mock-access-key",
    AWS_SECRET_ACCESS_KEY: "mock-secret-key",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_PROFILE: "",
    AWS_REGION: options.region ?? process.env.AWS_REGION ?? "us-east-1",
  };
  const zips = lambdaZipDir(dirname(dirname(stackDir)));
  const vars = {
    offline_plan: "true",
    email: "reviewer@example.com",
    lambda_dist_dir: zips.dir,
    ...extraVars,
  };
  const varArgs = Object.entries(vars).flatMap(([name, value]) => ["-var", `${name}=${value}`]);
  const backendArgs: string[] = [];
  if (options.backendConfig !== undefined) {
    const file = join(configDir, "backend.hcl");
    writeFileSync(file, options.backendConfig);
    backendArgs.push(`-backend-config=${file}`);
  }
  const steps: [string, string[]][] = [
    ["init", ["init", "-input=false", "-no-color", ...backendArgs]],
    ["validate", ["validate", "-no-color"]],
    [
      "plan",
      [
        "plan",
        "-input=false",
        "-no-color",
        `-lock=${options.lock === true}`,
        "-refresh=false",
        "-out=plan.tfplan",
        ...varArgs,
      ],
    ],
    ["show", ["show", "-no-color", "plan.tfplan"]],
  ];
  const runs: TerraformRun[] = [];
  try {
    for (const [step, args] of steps) {
      const result = spawnSync("terraform", args, { cwd: stackDir, env, encoding: "utf8", timeout: 300_000 });
      runs.push({ step, status: result.status, stdout: result.stdout, stderr: result.stderr });
      if (result.status !== 0) return { runs, ok: false, placeholders: zips.placeholders };
    }
    return { runs, ok: true, planText: runs.at(-1)?.stdout, placeholders: zips.placeholders };
  } finally {
    rmSync(configDir, { recursive: true, force: true });
  }
}
