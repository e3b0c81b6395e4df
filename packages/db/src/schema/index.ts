export * from "./otp-codes.ts";
export * from "./refresh-tokens.ts";
export * from "./users.ts";
