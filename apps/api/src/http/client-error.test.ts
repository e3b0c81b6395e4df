import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { serverForFile } from "../test/harness.ts";

const server = serverForFile();

/** Writes raw bytes to the server and reads until it closes the connection. */
function raw(request: string): Promise<{ status: number; headers: string; body: string }> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), "127.0.0.1");
    let text = "";
    socket.on("data", (chunk) => {
      text += chunk.toString();
    });
    socket.on("error", reject);
    socket.on("close", () => {
      const [head = "", body = ""] = text.split("\r\n\r\n");
      resolve({ status: Number(head.split(" ")[1]), headers: head, body });
    });
    socket.write(request);
  });
}

describe("requests Node's HTTP parser refuses", () => {
  it("a request line too long for the parser is a 431 in the one error shape, with a request id", async () => {
    const res = await raw(`GET /api/movies?title=${"x".repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(res.status).toBe(431);
    expect(res.headers).toMatch(/content-type: application\/json/i);
    const body = JSON.parse(res.body) as { error: { code: string; requestId: string } };
    expect(body.error.code).toBe("HEADERS_TOO_LARGE");
    expect(res.headers).toContain(`X-Request-Id: ${body.error.requestId}`);
  });

  it("on /trpc the same answer comes in tRPC's envelope, the error object as error.data", async () => {
    const input = encodeURIComponent(JSON.stringify({ id: "x".repeat(20_000) }));
    const res = await raw(`GET /trpc/admin.users.get?input=${input} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(res.status).toBe(431);
    const body = JSON.parse(res.body) as {
      error: { code: number; data: { code: string; httpStatus: number } };
    };
    expect(body.error.code).toBe(-32600);
    expect(body.error.data).toMatchObject({ code: "HEADERS_TOO_LARGE", httpStatus: 431 });
  });

  it("bytes that are not HTTP are a 400 MALFORMED_REQUEST, and the server carries on", async () => {
    const res = await raw("NOT HTTP AT ALL\r\n\r\n");
    expect(res.status).toBe(400);
    expect((JSON.parse(res.body) as { error: { code: string } }).error.code).toBe("MALFORMED_REQUEST");
    expect((await server.http.get("/healthz")).status).toBe(200);
  });
});
