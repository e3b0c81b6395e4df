import { AppError } from "../shared/errors.ts";

/**
 * What a provider failure becomes, for every provider: a 502 the client may retry, in our words only.
 * The provider's own text (`providerText`, from its SDK error) goes to the log and never to a client:
 * it can name the provider's internals, our account, or echo parameters we sent.
 */
export function providerError(provider: "Razorpay" | "Stripe", what: string, providerText: string): AppError {
  return new AppError(
    "PAYMENT_PROVIDER_ERROR",
    `${provider} could not ${what}: try again`,
    undefined,
    `${provider}: ${providerText}`,
  );
}
