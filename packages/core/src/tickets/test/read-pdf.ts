import { getDocument, ImageKind, OPS } from "pdfjs-dist/legacy/build/pdf.mjs";

export interface PdfImage {
  width: number;
  height: number;
  /** RGBA, 4 bytes a pixel, whatever the image's colour model in the PDF. */
  rgba: Uint8ClampedArray;
}

export interface ReadPdf {
  pages: number;
  /** Document info dictionary (Title, Author, ...). */
  info: Record<string, unknown>;
  /** Page 1's text as a viewer extracts it (what copy-paste and screen readers get), one line a row. */
  lines: string[];
  /** Every image page 1 paints, decoded. */
  images: PdfImage[];
  /** Page size in points. */
  size: { width: number; height: number };
}

/**
 * Opens a PDF the way a viewer does, with Mozilla's pdf.js (the engine in Firefox), and returns what a
 * person would see: text through each font's ToUnicode map, and images as pixels.
 */
export async function readPdf(bytes: Uint8Array): Promise<ReadPdf> {
  const doc = await getDocument({
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    verbosity: 0,
  }).promise;
  try {
    const { info } = await doc.getMetadata();
    const page = await doc.getPage(1);
    const [width = 0, height = 0] = page.view.slice(2);

    const lines: string[] = [];
    let line = "";
    for (const item of (await page.getTextContent()).items) {
      if (!("str" in item)) {
        continue;
      }
      line += item.str;
      if (item.hasEOL) {
        lines.push(line.trim());
        line = "";
      }
    }
    if (line.trim()) {
      lines.push(line.trim());
    }

    const images: PdfImage[] = [];
    const ops = await page.getOperatorList();
    for (let i = 0; i < ops.fnArray.length; i++) {
      if (ops.fnArray[i] !== OPS.paintImageXObject) {
        continue;
      }
      const [id] = ops.argsArray[i] as [string];
      const store = id.startsWith("g_") ? page.commonObjs : page.objs;
      const decoded: unknown = await new Promise((resolve) => store.get(id, resolve));
      images.push(toRgba(decoded));
    }
    return {
      pages: doc.numPages,
      info: info as Record<string, unknown>,
      lines,
      images,
      size: { width, height },
    };
  } finally {
    await doc.destroy();
  }
}

function toRgba(image: unknown): PdfImage {
  if (
    typeof image !== "object" ||
    image === null ||
    !("width" in image && "height" in image && "kind" in image && "data" in image) ||
    typeof image.width !== "number" ||
    typeof image.height !== "number" ||
    !(image.data instanceof Uint8Array || image.data instanceof Uint8ClampedArray)
  ) {
    throw new Error("readPdf: pdf.js gave an image without raw pixels");
  }
  const { width, height, kind, data } = image;
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    let r: number;
    let g: number;
    let b: number;
    if (kind === ImageKind.RGBA_32BPP) {
      [r, g, b] = [data[p * 4] ?? 0, data[p * 4 + 1] ?? 0, data[p * 4 + 2] ?? 0];
    } else if (kind === ImageKind.RGB_24BPP) {
      [r, g, b] = [data[p * 3] ?? 0, data[p * 3 + 1] ?? 0, data[p * 3 + 2] ?? 0];
    } else if (kind === ImageKind.GRAYSCALE_1BPP) {
      const rowBytes = (width + 7) >> 3;
      const byte = data[Math.floor(p / width) * rowBytes + ((p % width) >> 3)] ?? 0;
      r = g = b = byte & (0x80 >> ((p % width) % 8)) ? 255 : 0;
    } else {
      throw new Error(`readPdf: unknown image kind ${String(kind)}`);
    }
    rgba.set([r, g, b, 255], p * 4);
  }
  return { width, height, rgba };
}
