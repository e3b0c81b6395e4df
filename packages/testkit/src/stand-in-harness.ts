import { afterAll, afterEach, beforeAll, expect } from "vitest";
import type { StandIn } from "./stand-in.ts";
import { type ReceivedWebhook, startWebhookReceiver, type WebhookReceiver } from "./webhook-receiver.ts";

/**
 * A stand-in's own tests share their set-up: one stand-in and one webhook receiver for the file, the
 * receiver verifying each delivery's raw body as our handler must; faults and the webhook URL are
 * reset after each test. Read `fake` and `receiver` from the returned object once `beforeAll` ran.
 */
export function standInForFile<Fake extends StandIn<{ body: string; headers: Record<string, string> }>>(
  start: () => Promise<Fake>,
  verifies: (fake: Fake, webhook: Omit<ReceivedWebhook, "status">) => boolean,
): { fake: Fake; receiver: WebhookReceiver } {
  const file = {} as { fake: Fake; receiver: WebhookReceiver };
  beforeAll(async () => {
    const fake = await start();
    file.fake = fake;
    file.receiver = await startWebhookReceiver((webhook) => (verifies(fake, webhook) ? 200 : 400));
  });
  afterEach(() => {
    file.fake.clearFaults();
    file.fake.setWebhookUrl(undefined);
  });
  afterAll(async () => {
    await file.fake?.close();
    await file.receiver?.close();
  });
  return file;
}

/**
 * Runs `act` (which makes events) before any webhook URL is set and asserts that nothing was sent, then
 * points the stand-in at the file's receiver; returns how many webhooks the receiver had by then.
 */
export async function silentUntilWebhookUrl(
  file: { fake: StandIn<{ body: string; headers: Record<string, string> }>; receiver: WebhookReceiver },
  act: () => Promise<unknown>,
): Promise<number> {
  await act();
  expect(await file.fake.webhooksSettled()).toEqual([]);
  file.fake.setWebhookUrl(file.receiver.url);
  return file.receiver.received.length;
}

/** What a promise rejected with; throws when it resolved. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("expected the request to fail");
}
