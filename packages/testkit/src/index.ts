export * from "./args.ts";
export * from "./fake-http.ts";
export * from "./fake-razorpay.ts";
export * from "./fake-stripe.ts";
export * from "./private-redis.ts";
export * from "./process.ts";
export * from "./redis-keys.ts";
export * from "./webhook-receiver.ts";
