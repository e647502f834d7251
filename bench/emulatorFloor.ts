import { performance } from 'node:perf_hooks';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { localCredentials, localRegion } from '../infra/local/emulators.js';
import { withEmulators } from './emulatorProcesses.js';

export interface EmulatorFloor {
  readonly roundTrips: number;
  readonly inFlight: number;
  readonly seconds: number;
  /** Bare SendMessage + ReceiveMessage + DeleteMessage round trips per second. */
  readonly roundTripsPerSecond: number;
}

/**
 * The emulators' raw capacity, the pipeline's baseline: as many bare SQS round trips
 * (SendMessage, ReceiveMessage, DeleteMessage) as the pipeline has tracks, `inFlight` at a time,
 * against a fresh fauxqs in its own process. A track needs more than this (DynamoDB, S3, two
 * queues), so tracks/s sits below it; the ratio says how much.
 */
export async function emulatorFloor(roundTrips: number, inFlight = 10): Promise<EmulatorFloor> {
  return withEmulators({ dynamodb: false }, async ({ endpoints }) => {
    const sqs = new SQSClient({
      region: localRegion,
      credentials: localCredentials,
      endpoint: endpoints.sqs,
      useQueueUrlAsEndpoint: false,
    });
    try {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'bench-floor' }));
      let started = 0;
      const worker = async (): Promise<void> => {
        while (started < roundTrips) {
          started += 1;
          await sqs.send(
            new SendMessageCommand({
              QueueUrl,
              MessageBody: JSON.stringify({ kind: 'track', cookie: 'x'.repeat(43), serviceTrackId: started }),
            }),
          );
          for (;;) {
            const out = await sqs.send(
              new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 0 }),
            );
            const m = out.Messages?.[0];
            if (!m) continue;
            await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
            break;
          }
        }
      };
      // Warm the connections and the JIT a little first.
      const warm = Math.min(50, roundTrips);
      started = roundTrips - warm;
      await Promise.all(Array.from({ length: inFlight }, worker));
      started = 0;
      const t0 = performance.now();
      await Promise.all(Array.from({ length: inFlight }, worker));
      const seconds = (performance.now() - t0) / 1000;
      return { roundTrips, inFlight, seconds, roundTripsPerSecond: roundTrips / seconds };
    } finally {
      sqs.destroy();
    }
  });
}
