/**
 * Where Terraform keeps this stack's state, chosen at synth time. A team shares one S3 bucket: each stack's state
 * under its own key, encrypted, locked with S3's native lock file (Terraform ≥ 1.10, `use_lockfile`). Without a
 * bucket the state stays in a local file next to the synthesized stack (a path relative to it, never this
 * checkout's absolute path).
 */
import { LocalBackend, S3Backend, type TerraformStack } from "cdktf";

export type StateBackend =
  | { readonly kind: "local" }
  | {
      readonly kind: "s3";
      readonly bucket: string;
      /** The bucket's region; default: the provider's (AWS_REGION / the profile's). */
      readonly region?: string;
      /** Keys are `<keyPrefix><stack name>/terraform.tfstate`. Default `vod-harvest/`. */
      readonly keyPrefix: string;
    };

const DEFAULT_STATE_KEY_PREFIX = "vod-harvest/";

export class StateBackendConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StateBackendConfigError";
  }
}

const BUCKET_NAME = /^(?!xn--)(?!.*-s3alias$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/**
 * The backend from the environment: VOD_HARVEST_STATE_BUCKET (S3 when set), VOD_HARVEST_STATE_REGION,
 * VOD_HARVEST_STATE_KEY_PREFIX. A bad value throws, naming the variable.
 */
export function stateBackendFromEnv(env: Readonly<Record<string, string | undefined>>): StateBackend {
  const bucket = env.VOD_HARVEST_STATE_BUCKET?.trim();
  const region = env.VOD_HARVEST_STATE_REGION?.trim() || undefined;
  const prefix = env.VOD_HARVEST_STATE_KEY_PREFIX;
  if (!bucket) {
    if (region !== undefined || prefix !== undefined) {
      throw new StateBackendConfigError(
        "VOD_HARVEST_STATE_REGION / VOD_HARVEST_STATE_KEY_PREFIX are set but VOD_HARVEST_STATE_BUCKET is not",
      );
    }
    return { kind: "local" };
  }
  if (!BUCKET_NAME.test(bucket) || bucket.includes("..")) {
    throw new StateBackendConfigError(
      `VOD_HARVEST_STATE_BUCKET is not an S3 bucket name: ${JSON.stringify(bucket)}`,
    );
  }
  if (region !== undefined && !REGION.test(region)) {
    throw new StateBackendConfigError(
      `VOD_HARVEST_STATE_REGION is not an AWS region: ${JSON.stringify(region)}`,
    );
  }
  const keyPrefix = prefix ?? DEFAULT_STATE_KEY_PREFIX;
  if (
    keyPrefix !== "" &&
    (!keyPrefix.endsWith("/") || keyPrefix.startsWith("/") || keyPrefix.includes("//"))
  ) {
    throw new StateBackendConfigError(
      `VOD_HARVEST_STATE_KEY_PREFIX must be empty or end in one "/" (no leading "/"): ${JSON.stringify(keyPrefix)}`,
    );
  }
  return { kind: "s3", bucket, keyPrefix, ...(region === undefined ? {} : { region }) };
}

/** The state file's key (S3) or path (local, relative to the synthesized stack's directory). */
function stateLocation(backend: StateBackend, stackName: string): string {
  return backend.kind === "s3"
    ? `${backend.keyPrefix}${stackName}/terraform.tfstate`
    : `terraform.${stackName}.tfstate`;
}

export function applyStateBackend(stack: TerraformStack, backend: StateBackend, stackName: string): void {
  if (backend.kind === "local") {
    new LocalBackend(stack, { path: stateLocation(backend, stackName) });
    return;
  }
  new S3Backend(stack, {
    bucket: backend.bucket,
    key: stateLocation(backend, stackName),
    encrypt: true,
    ...(backend.region === undefined ? {} : { region: backend.region }),
  });
  // cdktf 0.21 predates S3's native locking: set it on the backend block directly.
  stack.addOverride("terraform.backend.s3.use_lockfile", true);
}
