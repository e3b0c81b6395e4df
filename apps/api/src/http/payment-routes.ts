import { ProviderIdSchema } from "@boxoffice/contracts";
import {
  AppError,
  DEV_PAY_PATH,
  type DevPayOrder,
  devPayOrder,
  type Html,
  handleWebhook,
  html,
  invalidField,
} from "@boxoffice/core";
import { type Context, Hono } from "hono";
import type { AppDeps } from "../deps.ts";
import type { AppEnv } from "./app-env.ts";
import { ownAddress } from "./public-url.ts";
import { errorResponse, methodNotAllowed } from "./responses.ts";

/**
 * Thin REST adapters for what is not JSON-in/JSON-out: providers' webhooks (whose signature covers the raw
 * body, so the body is read as text and never re-serialised before the check) and the dev provider's pay
 * page. Mounted under /api.
 */
export function paymentRoutes(deps: AppDeps) {
  const routes = new Hono<AppEnv>();

  const webhook = async (c: Context<AppEnv>, provider: string) => {
    try {
      const raw = await c.req.text();
      const result = await handleWebhook(deps, provider, raw, c.req.raw.headers);
      c.var.logger.info({ provider, ...result }, "webhook handled");
      return c.json({ received: true, ...result }, 200);
    } catch (err) {
      return errorResponse(c, err);
    }
  };
  routes.post("/payments/webhook", (c) => webhook(c, deps.config.payments.provider));
  routes.post("/payments/webhook/:provider", (c) => webhook(c, c.req.param("provider")));
  routes.all("/payments/webhook", methodNotAllowed(["POST"]));
  routes.all("/payments/webhook/:provider", methodNotAllowed(["POST"]));

  const dev = deps.devPayments;
  if (dev) {
    const findOrder = async (id: string) => {
      if (!ProviderIdSchema.safeParse(id).success) {
        throw new AppError("NOT_FOUND", "No such order", { field: "orderId", id });
      }
      return devPayOrder(deps, id);
    };
    const path = DEV_PAY_PATH.replace(/^\/api/, "");

    routes.get(`${path}/:orderId`, async (c) => {
      try {
        const returnUrl = clientReturnUrl(deps, c.req.query("returnUrl"));
        const order = await findOrder(c.req.param("orderId"));
        return c.html(payPage(order, returnUrl).toString());
      } catch (err) {
        return errorResponse(c, err);
      }
    });

    /**
     * "Pay": a captured payment for the order, announced by a correctly signed webhook sent to this server
     * over HTTP, as a provider would. JSON `{ amount?, fail?, deliver? }` lets a test pay the wrong amount,
     * fail, or take the signed webhook home instead of having it sent.
     */
    routes.post(`${path}/:orderId`, async (c) => {
      try {
        const order = await findOrder(c.req.param("orderId"));
        const options = await devPayOptions(c);
        const returnUrl = clientReturnUrl(deps, options.returnUrl);
        const paid = dev.pay(
          {
            providerOrderId: order.providerOrderId,
            amount: options.amount ?? order.amount,
            currency: order.currency,
          },
          { fail: options.fail },
        );
        let webhookStatus: number | undefined;
        if (options.deliver) {
          const res = await fetch(`${ownAddress(c)}/api/payments/webhook/dev`, {
            method: "POST",
            headers: paid.webhook.headers,
            body: paid.webhook.body,
          });
          webhookStatus = res.status;
          await res.body?.cancel();
        }
        const answer = {
          orderId: order.providerOrderId,
          paymentId: paid.paymentId,
          signature: paid.signature,
          ...(webhookStatus === undefined ? { webhook: paid.webhook } : { webhookStatus }),
        };
        if (returnUrl) {
          // Back to the client's page, as a provider's checkout returns, with what it can show at once.
          const status = options.fail ? "failed" : (await devPayOrder(deps, order.providerOrderId)).status;
          returnUrl.searchParams.set("orderId", order.providerOrderId);
          returnUrl.searchParams.set("status", status === "created" ? "pending" : status);
          return c.redirect(returnUrl.toString(), 303);
        }
        if ((c.req.header("accept") ?? "").includes("text/html")) {
          return c.html(paidPage(answer.orderId, options.fail, webhookStatus).toString());
        }
        return c.json(answer, 200);
      } catch (err) {
        return errorResponse(c, err);
      }
    });
    routes.all(`${path}/:orderId`, methodNotAllowed(["GET", "POST"]));
  }
  return routes;
}

/**
 * Where the pay page sends the browser once paid: only a page of one of CLIENT_URL's origins, so the pay
 * page can never be made to forward its visitor to somebody else's site.
 */
function clientReturnUrl(deps: AppDeps, given: string | undefined): URL | undefined {
  if (given === undefined || given === "") {
    return undefined;
  }
  const url = URL.canParse(given) ? new URL(given) : undefined;
  if (!url || !deps.config.corsOrigins.includes(url.origin)) {
    throw invalidField("returnUrl", "must be a page of one of the origins in CLIENT_URL");
  }
  return url;
}

async function devPayOptions(
  c: Context<AppEnv>,
): Promise<{ amount?: number; fail: boolean; deliver: boolean; returnUrl?: string }> {
  const type = c.req.header("content-type") ?? "";
  if (type.includes("application/x-www-form-urlencoded")) {
    const form = await c.req.parseBody();
    const returnUrl = typeof form.returnUrl === "string" ? form.returnUrl : undefined;
    return { fail: form.fail === "true", deliver: true, ...(returnUrl ? { returnUrl } : {}) };
  }
  const text = await c.req.text();
  if (!text.trim()) {
    return { fail: false, deliver: true };
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AppError("INVALID_JSON");
  }
  const b = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const amount = b.amount;
  if (
    amount !== undefined &&
    !(Number.isInteger(amount) && (amount as number) > 0 && (amount as number) < 1e9)
  ) {
    throw invalidField("amount", "must be a positive whole number of minor units");
  }
  if (b.returnUrl !== undefined && typeof b.returnUrl !== "string") {
    throw invalidField("returnUrl", "must be a URL");
  }
  return {
    ...(amount !== undefined ? { amount: amount as number } : {}),
    fail: b.fail === true,
    deliver: b.deliver !== false,
    ...(typeof b.returnUrl === "string" ? { returnUrl: b.returnUrl } : {}),
  };
}

function money(amount: number, currency: string): string {
  return new Intl.NumberFormat("en-IN", { style: "currency", currency }).format(amount / 100);
}

const PAGE_STYLE = "font-family:sans-serif;max-width:28rem;margin:3rem auto";

function payPage(order: DevPayOrder, returnUrl: URL | undefined): Html {
  const total = money(order.amount, order.currency);
  const when = order.startAt.toLocaleString("en-IN", {
    timeZone: order.timeZone,
    dateStyle: "medium",
    timeStyle: "short",
  });
  const back = returnUrl ? html`<input type="hidden" name="returnUrl" value="${returnUrl.toString()}">` : "";
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>boxoffice dev payment</title></head>
<body style="${PAGE_STYLE}">
<h1>Dev payment</h1><p>No money moves: this is the embedded dev provider.</p>
<p><strong>${order.movieTitle}</strong>, ${order.theaterName}, ${when}: seats ${order.seatIds.join(", ")}</p>
<p>Order <code>${order.providerOrderId}</code>: <strong>${total}</strong></p>
<form method="post">${back}<button type="submit">Pay ${total}</button></form>
<form method="post">${back}<input type="hidden" name="fail" value="true"><button type="submit">Fail the payment</button></form>
</body></html>`;
}

function paidPage(orderId: string, failed: boolean, webhookStatus: number | undefined): Html {
  const outcome = failed ? "The payment failed." : "Paid.";
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>boxoffice dev payment</title></head>
<body style="${PAGE_STYLE}"><h1>${outcome}</h1>
<p>Order <code>${orderId}</code>: the signed webhook was answered ${webhookStatus ?? "-"}.
Check <code>GET /api/payments/orders/${orderId}</code> for the booking.</p></body></html>`;
}
