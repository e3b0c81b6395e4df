import QRCode, { type QRCodeRenderersOptions } from "qrcode";

/**
 * Medium error correction (~15% of the symbol can be lost: a crease, a glare spot, a cracked screen)
 * keeps a ticket's symbol small; the four-module quiet zone is what the QR standard asks for, and
 * scanners misread symbols printed tight against other ink. Eight pixels a module is sharp on a phone
 * screen and when a PDF scales the image up.
 */
const OPTIONS = {
  errorCorrectionLevel: "M",
  margin: 4,
  scale: 8,
  color: { dark: "#000000ff", light: "#ffffffff" },
} as const satisfies QRCodeRenderersOptions;

/** The payload's QR code as a PNG data URL (`data:image/png;base64,...`), for an <img> or an email. */
export function qrPngDataUrl(payload: string): Promise<string> {
  return QRCode.toDataURL(payload, { ...OPTIONS, type: "image/png" });
}

/** The payload's QR code as PNG bytes (what the PDF ticket embeds). */
export function qrPngBuffer(payload: string): Promise<Buffer> {
  return QRCode.toBuffer(payload, { ...OPTIONS, type: "png" });
}

/** The payload's QR code as a standalone SVG document (`<svg ...>...</svg>`), scalable without blur. */
export function qrSvg(payload: string): Promise<string> {
  return QRCode.toString(payload, { ...OPTIONS, type: "svg" });
}
