import { request } from "node:http";
import type { PaymentOrder } from "@boxoffice/contracts";
import { afterAll, describe, expect, it } from "vitest";
import { createHold, showtimeOnSale } from "../test/booking-fixtures.ts";
import { registerAdmin, registerUser, startTestServer, type TestServer } from "../test/harness.ts";

const servers: TestServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

/** POST with a Host header of the caller's choosing (fetch always sends the URL's own). */
function postWithHost(url: string, host: string, token: string, body: unknown) {
  return new Promise<{ status: number; body: PaymentOrder }>((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        headers: { host, "content-type": "application/json", authorization: `Bearer ${token}` },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

async function orderUnderForgedHost(server: TestServer) {
  const admin = (await registerAdmin(server)).accessToken;
  const user = await registerUser(server);
  const hold = await createHold(server, user.accessToken, await showtimeOnSale(server, admin), ["A1"]);
  const res = await postWithHost(
    `${server.url}/api/payments/create-order`,
    "evil.example",
    user.accessToken,
    {
      holdId: hold.id,
    },
  );
  expect(res.status).toBe(201);
  return res.body;
}

describe("links the API hands out", () => {
  it("start with PUBLIC_URL whatever Host header the request carried", async () => {
    const server = await startTestServer({
      config: { publicUrl: "https://tickets.example.com", rateLimitHoldsPerMin: 0 },
    });
    servers.push(server);
    const order = await orderUnderForgedHost(server);
    expect(order.payUrl).toBe(`https://tickets.example.com/api/payments/dev/pay/${order.orderId}`);
  });

  it("without PUBLIC_URL (development) start with the address this process listens on, not the Host header", async () => {
    const server = await startTestServer({ config: { rateLimitHoldsPerMin: 0 } });
    servers.push(server);
    const order = await orderUnderForgedHost(server);
    expect(order.payUrl).toBe(`${server.url}/api/payments/dev/pay/${order.orderId}`);
    expect(order.payUrl).not.toContain("evil.example");
  });
});
