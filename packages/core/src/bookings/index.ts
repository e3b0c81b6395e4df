export * from "./booking-ticket.ts";
export * from "./booking-view.ts";
export * from "./cancel-booking.ts";
export * from "./cancel-showtime.ts";
export * from "./confirm-booking.ts";
export * from "./get-booking.ts";
export * from "./refund-booking.ts";
export * from "./refund-policy.ts";
