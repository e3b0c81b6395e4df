export * from "./process.ts";
