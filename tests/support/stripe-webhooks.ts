import http from "node:http";
import type { TestApp, TestResponse } from "./http.ts";

export type WebhookEndpoint = "" | "/connect" | "/thin";

/** POSTs a webhook body as Stripe does (no Origin, no cookie) to `/webhooks/stripe<endpoint>` on the platform host. */
export function deliverWebhook(app: TestApp, endpoint: WebhookEndpoint, delivery: { payload: string; signature?: string }): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port: app.port,
        path: `/webhooks/stripe${endpoint}`,
        method: "POST",
        headers: {
          host: "bazaar.test",
          "content-type": "application/json",
          ...(delivery.signature ? { "stripe-signature": delivery.signature } : {}),
        },
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end(delivery.payload);
  });
}
