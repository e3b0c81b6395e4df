import type { Sensitive } from "../shared/sensitive.ts";

/** A text message to send. The body carries sign-in codes, so it is Sensitive: no log line can show it. */
export interface SmsMessage {
  to: string;
  body: Sensitive<string>;
}

/**
 * Where text messages go. The dev provider below is for local use; a real one (Twilio, configured by
 * TWILIO_* variables) implements this same interface and is chosen by SMS_PROVIDER in
 * build-sms-provider.ts. A provider's errors must not carry the message body either.
 */
export interface SmsProvider {
  readonly name: string;
  send(message: SmsMessage): Promise<void>;
}

/** A message the dev provider kept, in plain text: it exists to show codes on a developer's machine. */
export interface DevSmsRecord {
  to: string;
  body: string;
  at: Date;
}

/**
 * Sends nothing: keeps the last messages in memory and hands each to `show` (the API prints it on the
 * terminal, outside the log stream). Production refuses it (SMS_PROVIDER=dev stops the start).
 */
export class DevSmsProvider implements SmsProvider {
  readonly name = "dev";
  readonly sent: DevSmsRecord[] = [];
  constructor(private readonly show?: (message: DevSmsRecord) => void) {}

  async send(message: SmsMessage): Promise<void> {
    const record = { to: message.to, body: message.body.reveal(), at: new Date() };
    this.sent.push(record);
    if (this.sent.length > 1000) {
      this.sent.shift();
    }
    this.show?.(record);
  }

  lastTo(phone: string): DevSmsRecord | undefined {
    return this.sent.findLast((m) => m.to === phone);
  }
}
