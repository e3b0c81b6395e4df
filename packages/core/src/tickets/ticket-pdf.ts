import { createRequire } from "node:module";
import PDFDocument from "pdfkit";
import { qrPngBuffer } from "./qr-image.ts";

/** Everything printed on a ticket; the caller loads it (this module never touches the database). */
export interface TicketView {
  reference: string;
  status: "confirmed" | "cancelled" | "refunded";
  movieTitle: string;
  rating?: string | null;
  runtimeMinutes?: number;
  theaterName: string;
  theaterAddress: string;
  screenName: string;
  seats: Array<{ id: string; type: string }>;
  startAt: Date;
  /** IANA zone of the theater: the show time is printed as its local wall-clock time. */
  timeZone: string;
  /** In minor units (paise for INR). */
  amount: number;
  /** ISO 4217, e.g. INR. */
  currency: string;
  customerName?: string | null;
  /** The signed QR payload (signTicket). */
  qrPayload: string;
  bookedAt: Date;
}

// pdfkit's 14 standard fonts are WinAnsi-encoded and have no "₹" (nor most non-Latin names); DejaVu
// Sans has both, and pdfkit embeds only the glyphs used, with a ToUnicode map, so copied or extracted
// text reads back as typed. Resolved from the package, so it works from any working directory.
const require = createRequire(import.meta.url);
const FONT_REGULAR = require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf");
const FONT_BOLD = require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf");

// A5 portrait, in points. Every box below has a fixed place and a height cap, so nothing can spill
// onto a second page: long text shrinks to a floor size, then ends in an ellipsis.
const PAGE = { width: 419.53, height: 595.28 };
const MARGIN = 28;
const CONTENT_WIDTH = PAGE.width - 2 * MARGIN;
/** A value under a label on the ticket's face: one bold line across the page, shrunk to fit. */
const VALUE_LINE = { font: "bold", max: 12, min: 9, width: CONTENT_WIDTH, lines: 1 } as const;
const HEADER_HEIGHT = 44;
const QR_SIZE = 156;
const STUB_TOP = PAGE.height - MARGIN - QR_SIZE - 26;

const INK = "#111827";
const MUTED = "#4b5563";
const LINE = "#d1d5db";
const ALERT = "#b91c1c";

/** A one-page A5 PDF ticket: show, place, seats, amount, the reference in large type and the QR code. */
export async function renderTicketPdf(ticket: TicketView): Promise<Buffer> {
  const qrPng = await qrPngBuffer(ticket.qrPayload);
  const when = formatShowTime(ticket.startAt, ticket.timeZone);
  const doc = new PDFDocument({
    size: [PAGE.width, PAGE.height],
    margin: 0,
    lang: "en-IN",
    displayTitle: true,
    info: {
      Title: `Ticket ${ticket.reference}: ${ticket.movieTitle}`,
      Author: "boxoffice",
      Subject: `${ticket.movieTitle}, ${when.date} ${when.time}, ${ticket.theaterName}`,
      Creator: "boxoffice",
      // Fixed dates (and so a fixed file ID): the same ticket renders to the same bytes.
      CreationDate: ticket.bookedAt,
      ModDate: ticket.bookedAt,
    },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  let pages = 1;
  doc.on("pageAdded", () => {
    pages += 1;
  });

  doc.registerFont("regular", FONT_REGULAR);
  doc.registerFont("bold", FONT_BOLD);
  drawTicket(doc, ticket, when, qrPng);
  doc.end();
  const pdf = await done;
  if (pages !== 1) {
    throw new Error(`renderTicketPdf: the ticket ran onto ${pages} pages`);
  }
  return pdf;
}

type Doc = PDFKit.PDFDocument;

function drawTicket(doc: Doc, t: TicketView, when: { date: string; time: string }, qrPng: Buffer): void {
  // Header band.
  doc.rect(0, 0, PAGE.width, HEADER_HEIGHT).fill(INK);
  doc.font("bold").fontSize(16).fillColor("#ffffff").text("boxoffice", MARGIN, 13, { lineBreak: false });
  doc.font("bold").fontSize(9).text("E-TICKET", MARGIN, 18, { width: CONTENT_WIDTH, align: "right" });

  let y = HEADER_HEIGHT + 16;
  if (t.status !== "confirmed") {
    doc.rect(MARGIN, y, CONTENT_WIDTH, 26).fill(ALERT);
    doc
      .font("bold")
      .fontSize(11)
      .fillColor("#ffffff")
      .text(`${t.status.toUpperCase()}: NOT VALID FOR ENTRY`, MARGIN, y + 7.5, {
        width: CONTENT_WIDTH,
        align: "center",
      });
    y += 26 + 12;
  }

  // The film.
  y += fitted(doc, t.movieTitle, MARGIN, y, {
    font: "bold",
    max: 20,
    min: 13,
    width: CONTENT_WIDTH,
    lines: 3,
  });
  const about = [t.rating, t.runtimeMinutes ? runtime(t.runtimeMinutes) : undefined]
    .filter(Boolean)
    .join("  ·  ");
  if (about) {
    y += 2;
    y += fitted(doc, about, MARGIN, y, {
      font: "regular",
      max: 10,
      min: 10,
      width: CONTENT_WIDTH,
      lines: 1,
      color: MUTED,
    });
  }
  y += 12;

  // When: the theater's own wall clock, with its zone.
  const dateWidth = Math.round(CONTENT_WIDTH * 0.62);
  const timeX = MARGIN + dateWidth + 12;
  const timeWidth = PAGE.width - MARGIN - timeX;
  label(doc, "DATE", MARGIN, y);
  label(doc, "TIME", timeX, y);
  y += 11;
  const dateHeight = fitted(doc, when.date, MARGIN, y, { ...VALUE_LINE, max: 13, width: dateWidth });
  const timeHeight = fitted(doc, when.time, timeX, y, { ...VALUE_LINE, max: 13, width: timeWidth });
  y += Math.max(dateHeight, timeHeight) + 12;

  // Where.
  label(doc, "CINEMA", MARGIN, y);
  y += 11;
  y += fitted(doc, t.theaterName, MARGIN, y, VALUE_LINE);
  y += 1;
  y += fitted(doc, t.theaterAddress, MARGIN, y, {
    font: "regular",
    max: 9.5,
    min: 8,
    width: CONTENT_WIDTH,
    lines: 2,
    color: MUTED,
  });
  y += 12;

  label(doc, "SCREEN", MARGIN, y);
  y += 11;
  y += fitted(doc, t.screenName, MARGIN, y, VALUE_LINE);
  y += 12;

  // Seats take whatever room is left above the stub, shrinking before they are ever cut.
  label(doc, `SEATS (${t.seats.length})`, MARGIN, y);
  y += 11;
  const seatRoom = STUB_TOP - 14 - y;
  fitted(doc, seatLine(t.seats), MARGIN, y, { ...VALUE_LINE, min: 7, lines: undefined, height: seatRoom });

  drawStub(doc, t, qrPng);
}

/** The tear-off part: QR code on the left; reference, amount and who booked on the right. */
function drawStub(doc: Doc, t: TicketView, qrPng: Buffer): void {
  doc
    .moveTo(MARGIN, STUB_TOP)
    .lineTo(PAGE.width - MARGIN, STUB_TOP)
    .dash(4, { space: 3 })
    .lineWidth(0.8)
    .strokeColor(LINE)
    .stroke()
    .undash();

  const top = STUB_TOP + 12;
  doc.image(qrPng, MARGIN - 6, top, { width: QR_SIZE, height: QR_SIZE });
  doc
    .font("regular")
    .fontSize(7.5)
    .fillColor(MUTED)
    .text("Show this code at the entrance", MARGIN, top + QR_SIZE + 1, {
      width: QR_SIZE - 12,
      align: "center",
    });

  const x = MARGIN + QR_SIZE + 4;
  const width = PAGE.width - MARGIN - x;
  let y = top + 8;
  label(doc, "BOOKING REFERENCE", x, y);
  y += 11;
  y += fitted(doc, t.reference, x, y, {
    font: "bold",
    max: 26,
    min: 12,
    width,
    lines: 1,
    characterSpacing: 1,
  });
  y += 10;

  label(doc, t.status === "refunded" ? "AMOUNT (REFUNDED)" : "AMOUNT PAID", x, y);
  y += 11;
  y += fitted(doc, formatTicketAmount(t.amount, t.currency), x, y, {
    font: "bold",
    max: 16,
    min: 10,
    width,
    lines: 1,
  });
  y += 10;

  if (t.customerName) {
    label(doc, "BOOKED BY", x, y);
    y += 11;
    y += fitted(doc, t.customerName, x, y, { font: "regular", max: 10, min: 8, width, lines: 1 });
    y += 8;
  }
  const booked = formatShowTime(t.bookedAt, t.timeZone);
  label(doc, "BOOKED ON", x, y);
  y += 11;
  fitted(doc, `${booked.shortDate}, ${booked.time}`, x, y, {
    font: "regular",
    max: 9,
    min: 7,
    width,
    lines: 1,
  });
}

function label(doc: Doc, text: string, x: number, y: number): void {
  doc.font("bold").fontSize(7).fillColor(MUTED).text(text, x, y, { lineBreak: false });
}

interface Fit {
  font: "regular" | "bold";
  max: number;
  min: number;
  width: number;
  /** The box: at most this many lines of the chosen size, or `height` points. */
  lines?: number;
  height?: number;
  color?: string;
  characterSpacing?: number;
}

/**
 * Writes `text` in the largest size from `max` down to `min` (a point at a time) at which it fits its
 * box, ending in an ellipsis if it does not fit even at `min`. Returns the height used.
 */
function fitted(doc: Doc, text: string, x: number, y: number, fit: Fit): number {
  const lineGap = 1;
  const options = { width: fit.width, lineGap, characterSpacing: fit.characterSpacing ?? 0 };
  doc.font(fit.font);
  const box = (size: number) => {
    doc.fontSize(size);
    const cap = fit.height ?? (fit.lines ?? 1) * (doc.currentLineHeight(true) + lineGap);
    return { cap, needed: doc.heightOfString(text, options) };
  };
  let size = fit.max;
  let { cap, needed } = box(size);
  while (needed > cap + 0.01 && size > fit.min) {
    size = Math.max(fit.min, size - 1);
    ({ cap, needed } = box(size));
  }
  doc.fillColor(fit.color ?? INK).text(text, x, y, { ...options, height: cap, ellipsis: "…" });
  return Math.min(cap, needed);
}

/** "Recliner: A1, A2 · Standard: B7", types in the order they first appear. */
function seatLine(seats: TicketView["seats"]): string {
  const byType = new Map<string, string[]>();
  for (const seat of seats) {
    const ids = byType.get(seat.type) ?? [];
    ids.push(seat.id);
    byType.set(seat.type, ids);
  }
  return [...byType]
    .map(([type, ids]) => `${type.charAt(0).toUpperCase()}${type.slice(1)}: ${ids.join(", ")}`)
    .join("  ·  ");
}

function runtime(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h === 0 ? `${m}m` : m === 0 ? `${h}h` : `${h}h ${m}m`;
}

/** Minor units as the currency's amount with its symbol, in Indian grouping: 123450 INR is "₹1,234.50". */
export function formatTicketAmount(amount: number, currency: string): string {
  const format = new Intl.NumberFormat("en-IN", { style: "currency", currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amount / 10 ** digits);
}

/**
 * The instant on the theater's wall clock: "Wednesday, 25 November, 2026" and "7:30 pm IST". The zone
 * is named by the first of a few English locales that has an abbreviation for it (IST from en-IN, EST
 * from en-US, CET from en-GB, AEDT from en-AU), else by its offset ("GMT+5:45").
 */
export function formatShowTime(
  instant: Date,
  timeZone: string,
): { date: string; shortDate: string; time: string } {
  const format = (options: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat("en-IN", { timeZone, ...options }).format(instant);
  const date = format({ weekday: "long", day: "numeric", month: "long", year: "numeric" });
  const shortDate = format({ day: "numeric", month: "short", year: "numeric" });
  const clock = format({ hour: "numeric", minute: "2-digit", hour12: true }).replace(/\s/g, " ");
  return { date, shortDate, time: `${clock} ${zoneName(instant, timeZone)}` };
}

function zoneName(instant: Date, timeZone: string): string {
  const name = (locale: string, style: "short" | "shortOffset") =>
    new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: style })
      .formatToParts(instant)
      .find((part) => part.type === "timeZoneName")?.value ?? "";
  for (const locale of ["en-IN", "en-US", "en-GB", "en-AU"]) {
    const short = name(locale, "short");
    if (short && !/^GMT[+-]/.test(short)) {
      return short;
    }
  }
  return name("en-IN", "shortOffset");
}
