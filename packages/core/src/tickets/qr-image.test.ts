import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { qrPngBuffer, qrPngDataUrl, qrSvg } from "./qr-image.ts";
import { signTicket, ticketSecret } from "./qr-payload.ts";
import { readQrFromPng, readQrFromSvg } from "./test/read-qr.ts";

const payload = signTicket(
  {
    bookingId: "7d9f3c2a-1b4e-4f6a-9c8d-2e5f7a1b3c4d",
    reference: "BX7K2Q9M",
    showtimeId: "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
    seatIds: ["A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "A9", "A10"],
  },
  ticketSecret("a-master-secret-of-at-least-thirty-two-characters"),
);

describe("ticket QR images", () => {
  it("a PNG data URL that a scanner reads back as the exact payload", async () => {
    const url = await qrPngDataUrl(payload);
    expect(url.startsWith("data:image/png;base64,")).toBe(true);
    const png = Buffer.from(url.slice("data:image/png;base64,".length), "base64");
    expect(readQrFromPng(png)).toBe(payload);
  });

  it("PNG bytes that read back as the payload, with a quiet zone around the symbol", async () => {
    const png = await qrPngBuffer(payload);
    expect(readQrFromPng(png)).toBe(payload);
    // The top-left 4 modules x 8 px are white: the quiet zone.
    const image = PNG.sync.read(png);
    for (let i = 0; i < 32; i++) {
      const at = (i * image.width + i) * 4;
      expect([...image.data.subarray(at, at + 3)]).toEqual([255, 255, 255]);
    }
    expect(image.data[(32 * image.width + 32) * 4]).toBe(0);
  });

  it("an SVG document whose drawing reads back as the payload", async () => {
    const svg = await qrSvg(payload);
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(readQrFromSvg(svg)).toBe(payload);
  });
});
