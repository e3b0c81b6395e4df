import { randomUUID } from "node:crypto";
import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { type ErrorCode, errorTable } from "@boxoffice/contracts";
import type { Logger } from "@boxoffice/core";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";

/** tRPC's numbers for these codes (a 431 has none of its own: tRPC's BAD_REQUEST). */
const TRPC_CODES: Partial<Record<ErrorCode, number>> = {
  REQUEST_TIMEOUT: TRPC_ERROR_CODES_BY_KEY.TIMEOUT,
  PAYLOAD_TOO_LARGE: TRPC_ERROR_CODES_BY_KEY.PAYLOAD_TOO_LARGE,
};

/** What Node's HTTP parser refused, as the error code of the one table (Node's own default statuses). */
function codeOf(err: Error & { code?: string }): ErrorCode {
  switch (err.code) {
    case "HPE_HEADER_OVERFLOW":
      return "HEADERS_TOO_LARGE";
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return "REQUEST_TIMEOUT";
    case "HPE_CHUNK_EXTENSIONS_OVERFLOW":
      return "PAYLOAD_TOO_LARGE";
    default:
      return "MALFORMED_REQUEST";
  }
}

/**
 * The server's `clientError` listener. Requests Node's parser refuses (a 20 KB URL, a broken request
 * line) never reach the app; Node would answer a bare 431 or 400 with no body. This answers them in the
 * one error shape, with a request id, as everything else, then closes the connection.
 */
export function answerClientError(err: Error & { code?: string }, socket: Duplex, logger: Logger): void {
  if (err.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const code = codeOf(err);
  const { status, message } = errorTable[code];
  const requestId = randomUUID();
  const error = { code, message, requestId };
  // A request for /trpc gets tRPC's envelope, the error object as `error.data`, as every tRPC error does.
  const requestLine = (err as { rawPacket?: Buffer }).rawPacket?.subarray(0, 64).toString("latin1") ?? "";
  const body = JSON.stringify(
    /^[A-Z]+ \/trpc\//.test(requestLine)
      ? { error: { message, code: TRPC_CODES[code] ?? -32600, data: { ...error, httpStatus: status } } }
      : { error },
  );
  logger.info({ requestId, status, parserError: err.code }, "request refused by the HTTP parser");
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\n` +
      "Content-Type: application/json\r\n" +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      `X-Request-Id: ${requestId}\r\n` +
      "Connection: close\r\n\r\n" +
      body,
  );
}
