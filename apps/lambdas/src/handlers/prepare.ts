/** prepare: the raw execution input in, a normalized HarvestJob out, or InvalidRequest naming the field. */
import { type PrepareInput, type PrepareOutput, prepareRequest } from "@vod-harvest/workflow";
import { instrument, type LambdaHandler, type Observability } from "../observability.js";

export type PrepareHandlerDeps = Observability;

export function createPrepareHandler(deps: PrepareHandlerDeps): LambdaHandler<PrepareInput, PrepareOutput> {
  return instrument("prepare", deps, async (event) => {
    const output = prepareRequest(event);
    const { request } = output;
    deps.logger.info("request accepted", {
      assetId: request.assetId,
      mode: request.mode,
      destination: `s3://${request.destination.bucket}/${request.destination.prefix}`,
      sources: request.sources?.length ?? null,
    });
    return output;
  });
}
