export * from "./qr-payload.ts";
