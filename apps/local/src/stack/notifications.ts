/**
 * Reads the SNS topic's notifications as they are published: an SQS queue subscribed with raw delivery (moto
 * delivers SNS → SQS like AWS), long-polled in the background.
 */

import { type SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";

/** A notification as published (the message is JSON text, see packages/workflow notifications.ts). */
export interface ReceivedNotification {
  readonly receivedAt: Date;
  /** The parsed message; the raw text when it is not JSON. */
  readonly message: Record<string, unknown> | string;
}

type NotificationListener = (notification: ReceivedNotification) => void;

export interface NotificationFeed {
  readonly queueUrl: string;
  /** Every notification received so far, in arrival order. */
  received(): readonly ReceivedNotification[];
  /** Calls the listener for each notification from now on; returns a function that removes it. */
  onNotification(listener: NotificationListener): () => void;
  /** Resolves with the first notification (already received or to come) that matches, or rejects after timeoutMs. */
  waitFor(
    predicate: (notification: ReceivedNotification) => boolean,
    timeoutMs: number,
  ): Promise<ReceivedNotification>;
  stop(): Promise<void>;
}

const WAIT_SECONDS = 1;

export async function subscribeQueue(sns: SNSClient, sqs: SQSClient, topicArn: string, queueName: string) {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: queueName }));
  if (QueueUrl === undefined) throw new Error(`CreateQueue ${queueName} returned no QueueUrl`);
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }),
  );
  const queueArn = attributes.Attributes?.QueueArn;
  if (queueArn === undefined) throw new Error(`GetQueueAttributes ${queueName} returned no QueueArn`);
  await sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: "sqs",
      Endpoint: queueArn,
      Attributes: { RawMessageDelivery: "true" },
    }),
  );
  return QueueUrl;
}

function parse(body: string): Record<string, unknown> | string {
  try {
    const value = JSON.parse(body) as unknown;
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : body;
  } catch {
    return body;
  }
}

/** Starts long-polling queueUrl; `stop()` ends the loop (within about WAIT_SECONDS). */
export function startNotificationFeed(sqs: SQSClient, queueUrl: string): NotificationFeed {
  const received: ReceivedNotification[] = [];
  const listeners = new Set<NotificationListener>();
  let stopping = false;
  const controller = new AbortController();

  const deliver = (notification: ReceivedNotification) => {
    received.push(notification);
    for (const listener of listeners) listener(notification);
  };

  const loop = (async () => {
    while (!stopping) {
      try {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: WAIT_SECONDS,
          }),
          { abortSignal: controller.signal },
        );
        for (const message of Messages)
          deliver({ receivedAt: new Date(), message: parse(message.Body ?? "") });
        const entries = Messages.flatMap((message, index) =>
          message.ReceiptHandle ? [{ Id: String(index), ReceiptHandle: message.ReceiptHandle }] : [],
        );
        if (entries.length > 0)
          await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
      } catch {
        if (stopping) return;
        // moto restarting or busy: try again shortly rather than lose the feed.
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  })();

  return {
    queueUrl,
    received: () => [...received],
    onNotification(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    waitFor(predicate, timeoutMs) {
      const found = received.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(listener);
          reject(new Error(`no matching notification within ${timeoutMs} ms`));
        }, timeoutMs);
        const listener: NotificationListener = (notification) => {
          if (!predicate(notification)) return;
          clearTimeout(timer);
          listeners.delete(listener);
          resolve(notification);
        };
        listeners.add(listener);
      });
    },
    async stop() {
      stopping = true;
      controller.abort();
      await loop;
    },
  };
}
