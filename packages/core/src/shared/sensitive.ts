import { inspect } from "node:util";

const REDACTED = "[redacted]";

/**
 * A value that never reaches a log line: JSON (what pino writes), string conversion and util.inspect all
 * print `[redacted]`, so logging an object that holds one cannot leak it whatever the logger's paths
 * say. Only `reveal()` gives the value, to the one place that must send it (an SMS provider's request).
 */
export class Sensitive<T> {
  readonly #value: T;
  constructor(value: T) {
    this.#value = value;
  }
  reveal(): T {
    return this.#value;
  }
  toJSON(): string {
    return REDACTED;
  }
  toString(): string {
    return REDACTED;
  }
  [inspect.custom](): string {
    return REDACTED;
  }
}
