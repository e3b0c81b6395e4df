export * from "./movies.ts";
export * from "./otp-codes.ts";
export * from "./refresh-tokens.ts";
export * from "./screens.ts";
export * from "./showtimes.ts";
export * from "./theaters.ts";
export * from "./users.ts";
