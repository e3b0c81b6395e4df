// What a test that downloads a ticket needs to look at it as a person would (pdf.js and jsQR stay dev-only).
export * from "./read-pdf.ts";
export * from "./read-qr.ts";
