/**
 * One Lambda of the stack as both state machines' functions are deployed: Node 22 on arm64, the zip apps/lambdas
 * builds, X-Ray, JSON logs into its own (KMS-encrypted) log group, source maps and Powertools' service name.
 */
import type { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { LambdaFunction, type LambdaFunctionConfig } from "@cdktf/provider-aws/lib/lambda-function/index.js";
import { Fn, type ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";

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
