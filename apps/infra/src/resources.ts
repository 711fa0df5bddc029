/**
 * The resources both workflows deploy alike (the per-asset one in stack.ts, the catalogue in catalog.ts): roles,
 * Lambdas, and STANDARD state machines with their role, encrypted logs and traces.
 */
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { LambdaFunction, type LambdaFunctionConfig } from "@cdktf/provider-aws/lib/lambda-function/index.js";
import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine/index.js";
import { Fn, type ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import { assumeRolePolicy } from "./policies.js";

/**
 * A role only `service` of this account may assume, with one inline policy (`least-privilege`): ids `role_<id>`
 * and `policy_<id>`.
 */
export function stackRole(
  scope: Construct,
  id: string,
  options: {
    readonly name: string;
    readonly service: "lambda.amazonaws.com" | "states.amazonaws.com";
    readonly accountId: string;
    /** JSON text of the policy. */
    readonly policy: string;
  },
): { readonly role: IamRole; readonly policy: IamRolePolicy } {
  const role = new IamRole(scope, `role_${id}`, {
    name: options.name,
    assumeRolePolicy: JSON.stringify(assumeRolePolicy(options.service, options.accountId)),
  });
  const policy = new IamRolePolicy(scope, `policy_${id}`, {
    name: "least-privilege",
    role: role.id,
    policy: options.policy,
  });
  return { role, policy };
}

export interface StackLambdaOptions {
  /** The resource name prefix (var.name). */
  readonly name: string;
  /** The function's own name: `<name>-<lambda>`, its zip `<lambda>.zip`. */
  readonly lambda: string;
  readonly roleArn: string;
  readonly distDir: string;
  readonly logGroup: CloudwatchLogGroup;
  readonly memorySize: number;
  readonly timeout: number;
  /** Read by its entry in apps/lambdas/src/entry. */
  readonly environment?: Readonly<Record<string, string>>;
  readonly dependsOn: readonly ITerraformDependable[];
  /** Anything else the function needs (reserved concurrency…). */
  readonly extra?: Partial<LambdaFunctionConfig>;
}

/**
 * One Lambda as both workflows' functions are deployed: Node 22 on arm64, the zip apps/lambdas builds, X-Ray, JSON
 * logs into its own log group, source maps and Powertools' service name.
 */
export function stackLambda(scope: Construct, options: StackLambdaOptions): LambdaFunction {
  const zip = `${options.distDir}/${options.lambda}.zip`;
  return new LambdaFunction(scope, `fn_${options.lambda}`, {
    functionName: `${options.name}-${options.lambda}`,
    role: options.roleArn,
    runtime: "nodejs22.x",
    architectures: ["arm64"],
    handler: "index.handler",
    filename: zip,
    sourceCodeHash: Fn.filebase64sha256(zip),
    memorySize: options.memorySize,
    timeout: options.timeout,
    tracingConfig: { mode: "Active" },
    loggingConfig: { logFormat: "JSON", logGroup: options.logGroup.name },
    environment: {
      variables: {
        NODE_OPTIONS: "--enable-source-maps",
        POWERTOOLS_SERVICE_NAME: "vod-harvest",
        ...options.environment,
      },
    },
    ...options.extra,
    dependsOn: [...options.dependsOn],
  });
}

export interface StackStateMachineOptions {
  /** Resource ids: `<idPrefix>state_machine`, `log_<idPrefix>state_machine`, `role_…`, `policy_…`. */
  readonly idPrefix: "" | "catalog_";
  /** The state machine's name (its log group is `/aws/vendedlogs/states/<name>`). */
  readonly name: string;
  readonly roleName: string;
  readonly accountId: string;
  readonly retentionInDays: number;
  readonly kmsKeyId: string;
  /** JSON text of the role's policy. */
  readonly policy: string;
  /** JSON text of the definition. */
  readonly definition: string;
}

/**
 * A STANDARD state machine with its own least-privilege role (assumable by Step Functions of this account only),
 * all of its execution data logged to an encrypted log group, and X-Ray tracing. Execution data holds no secret by
 * design (ARNs, ids, URLs, counts), and makes failures diagnosable.
 */
export function stackStateMachine(scope: Construct, options: StackStateMachineOptions): SfnStateMachine {
  const id = `${options.idPrefix}state_machine`;
  const logs = new CloudwatchLogGroup(scope, `log_${id}`, {
    name: `/aws/vendedlogs/states/${options.name}`,
    retentionInDays: options.retentionInDays,
    kmsKeyId: options.kmsKeyId,
  });
  const { role, policy } = stackRole(scope, id, {
    name: options.roleName,
    service: "states.amazonaws.com",
    accountId: options.accountId,
    policy: options.policy,
  });
  return new SfnStateMachine(scope, id, {
    name: options.name,
    type: "STANDARD",
    roleArn: role.arn,
    definition: options.definition,
    loggingConfiguration: { level: "ALL", includeExecutionData: true, logDestination: `${logs.arn}:*` },
    tracingConfiguration: { enabled: true },
    dependsOn: [policy],
  });
}
