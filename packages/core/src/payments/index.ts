export * from "./sdk.ts";
export * from "./signatures.ts";
