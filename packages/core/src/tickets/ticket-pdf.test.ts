import { beforeAll, describe, expect, it } from "vitest";
import { signTicket, type TicketClaims, ticketSecret, verifyTicket } from "./qr-payload.ts";
import { type ReadPdf, readPdf } from "./test/read-pdf.ts";
import { readQr } from "./test/read-qr.ts";
import { formatShowTime, formatTicketAmount, renderTicketPdf, type TicketView } from "./ticket-pdf.ts";

const secret = ticketSecret("a-master-secret-of-at-least-thirty-two-characters");
const claims: TicketClaims = {
  bookingId: "7d9f3c2a-1b4e-4f6a-9c8d-2e5f7a1b3c4d",
  reference: "BX7K2Q9M",
  showtimeId: "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
  seatIds: ["F7", "F8", "G12"],
};

function ticket(overrides: Partial<TicketView> = {}): TicketView {
  return {
    reference: claims.reference,
    status: "confirmed",
    movieTitle: "Kalki 2898 AD",
    rating: "UA",
    runtimeMinutes: 181,
    theaterName: "PVR Phoenix Marketcity",
    theaterAddress: "Whitefield Main Road, Mahadevapura, Bengaluru 560048",
    screenName: "Audi 4 (IMAX)",
    seats: [
      { id: "F7", type: "recliner" },
      { id: "F8", type: "recliner" },
      { id: "G12", type: "standard" },
    ],
    // 14:00 UTC is 7:30 pm in Bengaluru.
    startAt: new Date("2026-11-25T14:00:00Z"),
    timeZone: "Asia/Kolkata",
    amount: 123450,
    currency: "INR",
    customerName: "Priya Raman",
    qrPayload: signTicket(claims, secret),
    bookedAt: new Date("2026-11-20T05:32:00Z"),
    ...overrides,
  };
}

const allText = (pdf: ReadPdf) => pdf.lines.join(" ");

describe("PDF ticket", () => {
  let pdf: ReadPdf;
  let bytes: Buffer;
  beforeAll(async () => {
    bytes = await renderTicketPdf(ticket());
    pdf = await readPdf(bytes);
  });

  it("is one A5 page with the ticket's title and boxoffice as author", () => {
    expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(pdf.pages).toBe(1);
    expect(pdf.size.width).toBeCloseTo(419.53, 1);
    expect(pdf.size.height).toBeCloseTo(595.28, 1);
    expect(pdf.info.Author).toBe("boxoffice");
    expect(pdf.info.Title).toBe("Ticket BX7K2Q9M: Kalki 2898 AD");
  });

  it("reads, as real text, the reference, film, cinema, seats with types, local show time and amount in ₹", () => {
    const text = allText(pdf);
    expect(pdf.lines).toContain("BX7K2Q9M");
    expect(pdf.lines).toContain("Kalki 2898 AD");
    expect(text).toContain("UA · 3h 1m");
    expect(pdf.lines).toContain("PVR Phoenix Marketcity");
    expect(text).toContain("Whitefield Main Road, Mahadevapura, Bengaluru 560048");
    expect(pdf.lines).toContain("Audi 4 (IMAX)");
    expect(text).toContain("SEATS (3)");
    expect(pdf.lines).toContain("Recliner: F7, F8 · Standard: G12");
    // The theater's wall clock and zone, not the server's: 14:00 UTC is 7:30 pm IST.
    expect(text).toContain("Wednesday, 25 November 2026");
    expect(text).toContain("7:30 pm IST");
    // The embedded font maps its glyph back to U+20B9 (a standard font would print another character).
    expect(pdf.lines).toContain("₹1,234.50");
    expect(pdf.lines).toContain("Priya Raman");
    expect(pdf.lines).toContain("20 Nov 2026, 11:02 am IST");
    expect(text).not.toMatch(/CANCELLED|REFUNDED|NOT VALID/);
  });

  it("carries the QR code as an image that scans as exactly the signed payload", () => {
    expect(pdf.images).toHaveLength(1);
    const [qr] = pdf.images;
    const scanned = readQr(qr!.rgba, qr!.width, qr!.height);
    expect(scanned).toBe(ticket().qrPayload);
    expect(verifyTicket(scanned, secret)).toEqual(claims);
  });

  it("prints the QR code big enough to scan off paper or a phone (over 45 mm wide)", async () => {
    const { PNG } = await import("pngjs");
    const { qrPngBuffer } = await import("./qr-image.ts");
    const image = PNG.sync.read(await qrPngBuffer(ticket().qrPayload));
    expect(pdf.images[0]?.width).toBe(image.width);
    // The 156 pt image includes the quiet zone; the symbol itself spans (modules / (modules + 8)).
    const modules = image.width / 8 - 8;
    const symbolMm = ((156 * modules) / (modules + 8) / 72) * 25.4;
    expect(symbolMm).toBeGreaterThan(45);
  });

  it("renders the same ticket to the same bytes", async () => {
    expect((await renderTicketPdf(ticket())).equals(bytes)).toBe(true);
  });

  it("says in a banner when a ticket is cancelled or refunded", async () => {
    const cancelled = await readPdf(await renderTicketPdf(ticket({ status: "cancelled" })));
    expect(cancelled.lines).toContain("CANCELLED: NOT VALID FOR ENTRY");
    const refunded = await readPdf(await renderTicketPdf(ticket({ status: "refunded" })));
    expect(refunded.lines).toContain("REFUNDED: NOT VALID FOR ENTRY");
    expect(refunded.lines).toContain("AMOUNT (REFUNDED)");
    expect(refunded.pages).toBe(1);
  });

  it("keeps a long title and ten seats on one page, every seat printed and the QR still readable", async () => {
    const title =
      "The Extraordinarily Long and Winding Chronicle of a Cinema That Sold Every Seat Exactly Once, Part Two";
    const seats = Array.from({ length: 10 }, (_, i) => ({ id: `K${i + 1}`, type: "premium" }));
    const qrPayload = signTicket({ ...claims, seatIds: seats.map((s) => s.id) }, secret);
    const long = await readPdf(
      await renderTicketPdf(
        ticket({ movieTitle: title, seats, qrPayload, status: "cancelled", customerName: "A".repeat(80) }),
      ),
    );
    expect(long.pages).toBe(1);
    expect(allText(long)).toContain(title);
    expect(allText(long)).toContain(`Premium: ${seats.map((s) => s.id).join(", ")}`);
    expect(long.lines).toContain("₹1,234.50");
    const [qr] = long.images;
    expect(readQr(qr!.rgba, qr!.width, qr!.height)).toBe(qrPayload);
  });

  it("shrinks, then cuts with an ellipsis, text that could never fit, and stays one page", async () => {
    const seats = Array.from({ length: 200 }, (_, i) => ({ id: `Z${i + 1}`, type: "standard" }));
    const huge = await readPdf(
      await renderTicketPdf(
        ticket({
          movieTitle: "Word ".repeat(200),
          theaterAddress: "Street ".repeat(100),
          seats,
          status: "refunded",
        }),
      ),
    );
    expect(huge.pages).toBe(1);
    expect(allText(huge)).toContain("SEATS (200)");
    expect(allText(huge)).toContain("…");
    expect(huge.lines).toContain("BX7K2Q9M");
  });

  it("omits what it was not given: no rating, runtime or customer name", async () => {
    const bare = await readPdf(
      await renderTicketPdf(ticket({ rating: null, runtimeMinutes: undefined, customerName: null })),
    );
    expect(allText(bare)).not.toContain("BOOKED BY");
    expect(allText(bare)).not.toContain("UA");
    expect(bare.lines).toContain("BOOKED ON");
  });
});

describe("ticket formatting", () => {
  it("prints minor units with the currency's symbol and digits, in Indian grouping", () => {
    expect(formatTicketAmount(123450, "INR")).toBe("₹1,234.50");
    expect(formatTicketAmount(12345600, "INR")).toBe("₹1,23,456.00");
    expect(formatTicketAmount(0, "INR")).toBe("₹0.00");
    expect(formatTicketAmount(1999, "USD")).toBe("$19.99");
    expect(formatTicketAmount(1500, "JPY")).toBe("JP¥1,500");
    expect(formatTicketAmount(1500, "KWD")).toBe("KWD\u00a01.500");
  });

  it("prints the show time on the theater's wall clock with its zone's abbreviation or offset", () => {
    const instant = new Date("2026-11-25T14:00:00Z");
    expect(formatShowTime(instant, "Asia/Kolkata")).toEqual({
      date: "Wednesday, 25 November 2026",
      shortDate: "25 Nov 2026",
      time: "7:30 pm IST",
    });
    expect(formatShowTime(instant, "America/New_York").time).toBe("9:00 am EST");
    expect(formatShowTime(new Date("2026-07-01T14:00:00Z"), "America/New_York").time).toBe("10:00 am EDT");
    expect(formatShowTime(instant, "Europe/Berlin").time).toBe("3:00 pm CET");
    expect(formatShowTime(instant, "Asia/Kathmandu").time).toBe("7:45 pm GMT+5:45");
    expect(formatShowTime(instant, "Australia/Sydney")).toMatchObject({
      date: "Thursday, 26 November 2026",
      time: "1:00 am AEDT",
    });
  });
});
