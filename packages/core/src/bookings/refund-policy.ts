import type { CancellationPolicy } from "@boxoffice/db";

export interface RefundQuote {
  cancellable: boolean;
  refundPercent: number;
  refundAmount: number;
}

/**
 * What cancelling at `now` gives back under a policy: the tier with the most hours before the show that
 * `now` still meets. Once the show has started nothing can be cancelled. Rounded down to whole minor units.
 */
export function quoteRefund(
  policy: CancellationPolicy,
  startAt: Date,
  now: Date,
  amount: number,
): RefundQuote {
  if (now >= startAt) {
    return { cancellable: false, refundPercent: 0, refundAmount: 0 };
  }
  const hoursBefore = (startAt.getTime() - now.getTime()) / 3_600_000;
  const tiers = [...policy.tiers].sort((a, b) => b.minHoursBefore - a.minHoursBefore);
  const refundPercent = tiers.find((t) => hoursBefore >= t.minHoursBefore)?.refundPercent ?? 0;
  return { cancellable: true, refundPercent, refundAmount: Math.floor((amount * refundPercent) / 100) };
}
