export * from "./qr-image.ts";
export * from "./qr-payload.ts";
export * from "./ticket-link.ts";
export * from "./ticket-pdf.ts";
