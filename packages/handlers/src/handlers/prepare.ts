/** prepare: the raw execution input in, a normalized HarvestJob out, or InvalidRequest naming the field. */
import {
  type DestinationRules,
  type PrepareInput,
  type PrepareOutput,
  prepareRequest,
} from "@vod-harvest/workflow";
import { instrument, type LambdaHandler, type Observability } from "../observability.js";

/** Observability, and the deployment's rules for destinations (DESTINATION_PREFIX in the entry). */
export type PrepareHandlerDeps = Observability & DestinationRules;

export function createPrepareHandler(deps: PrepareHandlerDeps): LambdaHandler<PrepareInput, PrepareOutput> {
  return instrument("prepare", deps, async (event) => {
    const output = prepareRequest(event, { destinationPrefix: deps.destinationPrefix ?? "" });
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
