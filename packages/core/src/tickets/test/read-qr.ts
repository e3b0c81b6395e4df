import jsQR from "jsqr";
import { PNG } from "pngjs";

/** What a phone's scanner would read from these RGBA pixels, or undefined if it finds no QR code. */
export function readQr(rgba: Uint8ClampedArray, width: number, height: number): string | undefined {
  return jsQR(rgba, width, height, { inversionAttempts: "dontInvert" })?.data ?? undefined;
}

/** Decodes a PNG file's bytes (any colour type) and reads the QR code in it. */
export function readQrFromPng(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  return readQr(new Uint8ClampedArray(image.data), image.width, image.height);
}

/**
 * Draws the SVG that `qrcode` writes (one stroked path of unit-high horizontal runs, `M x y h n m dx dy`)
 * onto white pixels, `scale` pixels a unit, and reads the QR code in it: proof the SVG is the payload,
 * not merely an <svg>.
 */
export function readQrFromSvg(svg: string, scale = 4): string | undefined {
  const size = Number(/viewBox="0 0 (\d+) \d+"/.exec(svg)?.[1]);
  const d = /<path[^>]*stroke="#000000"[^>]*\sd="([^"]+)"/.exec(svg)?.[1];
  if (!size || !d) {
    return undefined;
  }
  const px = size * scale;
  const rgba = new Uint8ClampedArray(px * px * 4).fill(255);
  let x = 0;
  let y = 0;
  for (const [, op, args] of d.matchAll(/([MmHh])([^MmHh]*)/g)) {
    const [a = 0, b = 0] = (args ?? "")
      .trim()
      .split(/[\s,]+/)
      .map(Number);
    if (op === "M" || op === "m") {
      x = op === "M" ? a : x + a;
      y = op === "M" ? b : y + b;
      continue;
    }
    const to = op === "H" ? a : x + a;
    const row = Math.floor(y);
    for (let cx = Math.min(x, to) * scale; cx < Math.max(x, to) * scale; cx++) {
      for (let cy = row * scale; cy < (row + 1) * scale; cy++) {
        rgba.fill(0, (cy * px + cx) * 4, (cy * px + cx) * 4 + 3);
      }
    }
    x = to;
  }
  return readQr(rgba, px, px);
}
