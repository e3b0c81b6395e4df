export * from "./qr-image.ts";
export * from "./qr-payload.ts";
