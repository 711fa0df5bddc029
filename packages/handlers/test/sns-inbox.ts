/**
 * Reads back what the state machine published to moto's SNS: an HTTP subscription (moto delivers to http
 * endpoints) on a server on 127.0.0.1 that keeps every message.
 */
import { createServer, type Server } from "node:http";
import { CreateTopicCommand, type SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import type { Notification } from "@vod-harvest/workflow";

export interface SnsInbox {
  readonly topicArn: string;
  /** The messages published for one execution, once its final HarvestFinished / HarvestFailed arrived. */
  forExecution(executionArn: string, timeoutMs?: number): Promise<Notification[]>;
  /** Every message body received, as published. */
  readonly raw: readonly string[];
  close(): Promise<void>;
}

export async function startSnsInbox(sns: SNSClient, topicName: string): Promise<SnsInbox> {
  const raw: string[] = [];
  const server: Server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => {
      body += chunk.toString("utf8");
    });
    request.on("end", () => {
      const envelope = JSON.parse(body) as { Type?: string; Message?: string };
      if (envelope.Type === "Notification" && envelope.Message !== undefined) raw.push(envelope.Message);
      response.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  const topic = await sns.send(new CreateTopicCommand({ Name: topicName }));
  const topicArn = topic.TopicArn as string;
  await sns.send(
    new SubscribeCommand({ TopicArn: topicArn, Protocol: "http", Endpoint: `http://127.0.0.1:${port}/sns` }),
  );

  const parsedFor = (executionArn: string) =>
    raw.map((text) => JSON.parse(text) as Notification).filter((n) => n.Execution === executionArn);

  return {
    topicArn,
    raw,
    async forExecution(executionArn, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const messages = parsedFor(executionArn);
        if (messages.some((n) => n.Event === "HarvestFinished" || n.Event === "HarvestFailed"))
          return messages;
        if (Date.now() > until) throw new Error(`no final notification for ${executionArn}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
