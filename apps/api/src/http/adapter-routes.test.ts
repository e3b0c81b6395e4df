import type { ErrorBody } from "@boxoffice/contracts";
import { describe, expect, it } from "vitest";
import { serverForFile } from "../test/harness.ts";

const server = serverForFile();

describe("the routes that are not procedures (webhooks, ticket PDF, dev pay page)", () => {
  it("answer a method they do not take with 405 and Allow, as every REST route does, not 404", async () => {
    const booking = crypto.randomUUID();
    const cases: Array<[string, string, string]> = [
      ["GET", "/api/payments/webhook", "POST"],
      ["DELETE", "/api/payments/webhook", "POST"],
      ["GET", "/api/payments/webhook/dev", "POST"],
      ["PUT", "/api/payments/webhook/stripe", "POST"],
      ["POST", `/api/bookings/${booking}/ticket.pdf`, "GET, HEAD"],
      ["DELETE", `/api/bookings/${booking}/ticket.pdf`, "GET, HEAD"],
      ["PATCH", "/api/payments/dev/pay/dev_order_abc", "GET, POST, HEAD"],
      ["DELETE", "/api/payments/dev/pay/dev_order_abc", "GET, POST, HEAD"],
    ];
    for (const [method, path, allow] of cases) {
      const res = await server.http.request<ErrorBody>(method, path);
      expect({ method, path, status: res.status, allow: res.headers.get("allow") }).toEqual({
        method,
        path,
        status: 405,
        allow,
      });
      expect(res.body.error.code).toBe("METHOD_NOT_ALLOWED");
      expect(res.body.error.requestId).toBe(res.headers.get("x-request-id"));
    }
  });

  it("still serve the methods they do take", async () => {
    const unsigned = await server.http.request<ErrorBody>("POST", "/api/payments/webhook/dev", { raw: "{}" });
    expect(unsigned.status).toBe(400);
    const pdf = await server.http.get<ErrorBody>(`/api/bookings/${crypto.randomUUID()}/ticket.pdf`);
    expect(pdf.status).toBe(401);
    const head = await server.http.request("HEAD", `/api/bookings/${crypto.randomUUID()}/ticket.pdf`);
    expect(head.status).toBe(401);
    const page = await server.http.get<ErrorBody>("/api/payments/dev/pay/dev_order_abc");
    expect(page.status).toBe(404);
  });
});
