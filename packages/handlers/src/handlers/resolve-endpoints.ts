/** resolve-endpoints: the endpoints to harvest and the CDN secret's ARN (never its value). */
import {
  type ResolveEndpointsInput,
  type ResolveEndpointsOutput,
  resolveEndpoints,
} from "@vod-harvest/workflow";
import { instrument, type LambdaHandler, type Observability } from "../observability.js";

export type ResolveEndpointsHandlerDeps = Observability;

export function createResolveEndpointsHandler(
  deps: ResolveEndpointsHandlerDeps,
): LambdaHandler<ResolveEndpointsInput, ResolveEndpointsOutput> {
  return instrument("resolve-endpoints", deps, async (event) => {
    const output = resolveEndpoints(event);
    deps.logger.info("endpoints resolved", {
      packagingGroupId: event.packagingGroupId,
      endpoints: output.endpoints.map((endpoint) => endpoint.packagingConfigurationId),
      cdnAuthorization: output.cdnIdentifierSecretArn !== null,
    });
    return output;
  });
}
