export interface SmsMessage {
  to: string;
  body: string;
}

export interface SmsProvider {
  readonly name: string;
  send(message: SmsMessage): Promise<void>;
}

/** Keeps messages in memory (and hands them to a listener) instead of sending them: local use and tests. */
export class DevSmsProvider implements SmsProvider {
  readonly name = "dev";
  readonly sent: Array<SmsMessage & { at: Date }> = [];
  constructor(private readonly onSend?: (message: SmsMessage) => void) {}

  async send(message: SmsMessage): Promise<void> {
    this.sent.push({ ...message, at: new Date() });
    if (this.sent.length > 1000) {
      this.sent.shift();
    }
    this.onSend?.(message);
  }

  lastTo(phone: string): SmsMessage | undefined {
    return this.sent.findLast((m) => m.to === phone);
  }
}
