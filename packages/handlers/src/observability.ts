/**
 * Powertools logger, metrics and tracer, and the wrapper every handler factory applies: Lambda context in the
 * logs, a traced subsegment, metrics flushed at the end, errors logged and rethrown redacted (same name and type) so
 * Step Functions sees their names.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { Tracer } from "@aws-lambda-powertools/tracer";
import type { Context } from "aws-lambda";
import { redactError, redactingReplacer } from "./redaction.js";

export const SERVICE_NAME = "vod-harvest";
export const METRICS_NAMESPACE = "VodHarvest";

/** The part of the Lambda context the handlers use; tests and the local runner build one. */
export type LambdaContext = Pick<Context, "awsRequestId" | "functionName" | "getRemainingTimeInMillis"> &
  Partial<Context>;

export type LambdaHandler<Event, Result> = (event: Event, context: LambdaContext) => Promise<Result>;

export interface Observability {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly tracer: Tracer;
}

/** A logger whose every line goes through the secret redaction. */
export function createLogger(options: { serviceName?: string; logLevel?: "DEBUG" | "INFO" } = {}): Logger {
  return new Logger({
    serviceName: options.serviceName ?? SERVICE_NAME,
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
    jsonReplacerFn: redactingReplacer,
  });
}

export function createObservability(options: { serviceName?: string; tracingEnabled?: boolean } = {}) {
  const serviceName = options.serviceName ?? SERVICE_NAME;
  return {
    logger: createLogger({ serviceName }),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName }),
    tracer: new Tracer({
      serviceName,
      ...(options.tracingEnabled !== undefined ? { enabled: options.tracingEnabled } : {}),
    }),
  } satisfies Observability;
}

export function instrument<Event, Result>(
  name: string,
  observability: Observability,
  handler: LambdaHandler<Event, Result>,
): LambdaHandler<Event, Result> {
  const { logger, metrics, tracer } = observability;
  return async (event, context) => {
    logger.addContext(context as Context);
    const segment = tracer.isTracingEnabled() ? tracer.getSegment() : undefined;
    const subsegment = segment?.addNewSubsegment(`## ${name}`);
    if (subsegment) {
      tracer.setSegment(subsegment);
      tracer.annotateColdStart();
      tracer.addServiceNameAnnotation();
    }
    try {
      return await handler(event, context);
    } catch (error) {
      // The runtime turns the thrown error into the Step Functions Cause (message and stack), which is logged with
      // the execution's data and sent by SNS: it is redacted like every log line before it leaves.
      redactError(error);
      logger.error(`${name} failed`, { error });
      if (subsegment && error instanceof Error) tracer.addErrorAsMetadata(error);
      throw error;
    } finally {
      metrics.publishStoredMetrics();
      subsegment?.close();
      if (segment) tracer.setSegment(segment);
    }
  };
}
