import type { PaymentsConfig } from "../config/env.ts";
import { type DevPaymentProvider, devPaymentProvider } from "./dev-provider.ts";
import { type PaymentProvider, type PaymentProviders, paymentProviders } from "./provider.ts";
import { razorpayProvider } from "./razorpay-provider.ts";
import { stripeProvider } from "./stripe-provider.ts";

/**
 * The providers a deployment accepts: the configured one takes new orders; any other whose keys are set
 * still has its webhooks and refunds served (payments started before a switch keep working). The dev
 * provider exists only when chosen, which the configuration refuses in production.
 */
export function buildPaymentProviders(
  config: PaymentsConfig,
  masterSecret: string,
): { providers: PaymentProviders; dev: DevPaymentProvider | undefined } {
  const dev = config.provider === "dev" ? devPaymentProvider(masterSecret) : undefined;
  const razorpay = config.razorpay ? razorpayProvider(config.razorpay) : undefined;
  const stripe = config.stripe ? stripeProvider(config.stripe) : undefined;
  const byName: Record<PaymentsConfig["provider"], PaymentProvider | undefined> = { dev, razorpay, stripe };
  const primary = byName[config.provider];
  if (!primary) {
    throw new Error(`payment provider ${config.provider} has no configuration`);
  }
  const others = [razorpay, stripe].filter((p): p is PaymentProvider => p !== undefined);
  return { providers: paymentProviders(primary, others), dev };
}
