/**
 * The local runner's MediaPackage VOD and SNS implementations over the real AWS SDK clients (pointed at an
 * emulator, moto, or AWS), shaped as the aws-sdk and sns:publish integrations return and fail.
 */
import {
  CreateAssetCommand,
  DeleteAssetCommand,
  DescribeAssetCommand,
  DescribePackagingGroupCommand,
  type MediaPackageVodClient,
} from "@aws-sdk/client-mediapackage-vod";
import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import type { MediaPackageVodApi, SnsApi } from "./local-runner.js";

type JsonObject = { [key: string]: unknown };

/** The SDK output without `$metadata`, through JSON (Dates become ISO strings, as in Step Functions). */
function result(output: object): JsonObject {
  const { $metadata: _metadata, ...rest } = output as JsonObject;
  return JSON.parse(JSON.stringify(rest)) as JsonObject;
}

/** Step Functions names an aws-sdk integration error `<Service>.<Exception>`. */
function renamed(service: string, error: unknown): Error {
  if (!(error instanceof Error)) return new Error(String(error));
  const named = new Error(error.message, { cause: error });
  named.name = `${service}.${error.name}`;
  return named;
}

async function call<T extends object>(service: string, send: () => Promise<T>): Promise<JsonObject> {
  try {
    return result(await send());
  } catch (error) {
    throw renamed(service, error);
  }
}

export function mediaPackageFromClient(client: MediaPackageVodClient): MediaPackageVodApi {
  const service = "MediaPackageVod";
  return {
    describeAsset: (input) => call(service, () => client.send(new DescribeAssetCommand(input as never))),
    createAsset: (input) => call(service, () => client.send(new CreateAssetCommand(input as never))),
    deleteAsset: (input) => call(service, () => client.send(new DeleteAssetCommand(input as never))),
    describePackagingGroup: (input) =>
      call(service, () => client.send(new DescribePackagingGroupCommand(input as never))),
  };
}

export function snsFromClient(client: SNSClient): SnsApi {
  return { publish: (input) => call("SNS", () => client.send(new PublishCommand(input))) };
}
