export * from "./auth/procedures.ts";
export * from "./common.ts";
export * from "./errors.ts";
export * from "./meta.ts";
export * from "./users/procedures.ts";
export * from "./users/user.ts";
