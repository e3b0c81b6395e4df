import type { Booking, Movie, Screen, Theater, User } from "@boxoffice/contracts";
import { readPdf } from "@boxoffice/core/testing/tickets";
import { describe, expect, it } from "vitest";
import { confirm, createHold, createOrder, devPay } from "../test/booking-fixtures.ts";
import { createShowtime, movieInput, SMALL_LAYOUT, theaterInput } from "../test/catalog-fixtures.ts";
import { registerAdmin, registerUser, serverForFile } from "../test/harness.ts";

const XSS = "<img src=x onerror=alert(1)>";

const server = serverForFile({ config: { rateLimitHoldsPerMin: 0 } });

describe("a name containing HTML", () => {
  it("is stored and answered as typed, escaped on the pay page, and printed as text on the ticket", async () => {
    const admin = (await registerAdmin(server)).accessToken;
    const post = async <T>(path: string, body: unknown, token: string) => {
      const res = await server.http.post<T>(path, body, token);
      expect(res.status, `${path} ${JSON.stringify(res.body)}`).toBe(201);
      return res.body;
    };
    const theater = await post<Theater>("/api/admin/theaters", theaterInput({ name: XSS }), admin);
    const screen = await post<Screen>(
      "/api/admin/screens",
      { theaterId: theater.id, name: XSS, layout: SMALL_LAYOUT },
      admin,
    );
    const movie = await post<Movie>("/api/admin/movies", movieInput({ title: XSS }), admin);
    expect([theater.name, screen.name, movie.title]).toEqual([XSS, XSS, XSS]);
    const showtime = await createShowtime(
      server,
      admin,
      { theaterId: theater.id, screenId: screen.id, movieId: movie.id },
      "2030-01-01T12:00:00Z",
    );

    const user = await registerUser(server, { name: XSS });
    expect(user.user.name).toBe(XSS);
    expect((await server.http.get<User>("/api/users/me", user.accessToken)).body.name).toBe(XSS);

    const hold = await createHold(server, user.accessToken, showtime.id, ["A1"]);
    const order = await createOrder(server, user.accessToken, hold.id);
    const page = await fetch(order.payUrl ?? "");
    const markup = await page.text();
    expect(markup).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(markup).not.toContain("<img");

    const booking = await confirm(
      server,
      user.accessToken,
      await devPay(server, order.orderId, { deliver: false }),
    );
    expect(booking.status).toBe(200);
    const shown = await server.http.get<Booking>(`/api/bookings/${booking.body.id}`, user.accessToken);
    expect(shown.body).toMatchObject({ showtime: { movie: { title: XSS } } });

    const pdf = await fetch(`${server.url}/api/bookings/${booking.body.id}/ticket.pdf`, {
      headers: { authorization: `Bearer ${user.accessToken}` },
    });
    expect(pdf.status).toBe(200);
    const text = (await readPdf(new Uint8Array(await pdf.arrayBuffer()))).lines.join("\n");
    // The movie, the theater and the customer, each as typed.
    expect(text.split(XSS).length - 1).toBeGreaterThanOrEqual(3);
  });
});
