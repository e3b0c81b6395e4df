import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.ts";
import { Sensitive } from "./sensitive.ts";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...chunk.toString().split("\n").filter(Boolean));
      done();
    },
  });
  return { logger: createLogger("trace", "test", stream), lines };
}

describe("log lines", () => {
  it("never carry a sign-in code or a message body, however they are logged", () => {
    const { logger, lines } = capture();
    const code = "493817";
    const body = `Your boxoffice code is ${code}. It expires in 5 minutes.`;
    const message = { to: "+919800000001", body: new Sensitive(body) };
    logger.info(message, "sms");
    logger.info({ sms: message }, "sms nested");
    logger.info({ message: { to: message.to, body } }, "a body as plain text");
    logger.info({ body }, "a body at the top");
    logger.warn({ input: { phone: message.to, code } }, "a request's input");
    logger.warn({ req: { input: { phone: message.to, code, password: "hunter2 hunter2" } } }, "deeper");
    logger.error({ otp: code, otpCode: code, secret: new Sensitive(code) }, "named for what they are");
    logger.debug({ headers: { authorization: "Bearer abc.def.ghi", cookie: "boxoffice_refresh=x" } }, "h");
    logger.trace({ refreshToken: "r-token", accessToken: "a-token", deviceToken: "d-token" }, "tokens");
    expect(lines).toHaveLength(9);
    const all = lines.join("\n");
    for (const secret of [
      code,
      "hunter2",
      "abc.def.ghi",
      "boxoffice_refresh=x",
      "r-token",
      "a-token",
      "d-token",
    ]) {
      expect(all).not.toContain(secret);
    }
    expect(JSON.parse(lines[0] ?? "{}")).toMatchObject({ to: "+919800000001", body: "[redacted]" });
  });

  it("keep what an operator needs: error codes, phone numbers, ids", () => {
    const { logger, lines } = capture();
    logger.error({ err: { code: "ECONNREFUSED", message: "connect failed" }, requestId: "r-1" }, "failed");
    logger.info({ parserError: "HPE_HEADER_OVERFLOW", to: "+919800000001" }, "refused");
    expect(JSON.parse(lines[0] ?? "{}")).toMatchObject({ err: { code: "ECONNREFUSED" }, requestId: "r-1" });
    expect(JSON.parse(lines[1] ?? "{}")).toMatchObject({ parserError: "HPE_HEADER_OVERFLOW" });
  });
});
