import { randomBytes } from "node:crypto";
import type { Config } from "./config.ts";
import type { Site } from "./context.ts";

// The Content-Security-Policy of every answer (docs/decisions/028-content-security-policy.md).

/** Stripe.js (the checkout's Payment Element) and Connect.js (Admin → Payments), with what Stripe documents they use. */
const STRIPE = {
  script: ["https://js.stripe.com", "https://connect-js.stripe.com"],
  frame: ["https://js.stripe.com", "https://connect-js.stripe.com", "https://hooks.stripe.com"],
  connect: ["https://js.stripe.com", "https://connect-js.stripe.com", "https://api.stripe.com"],
};

/** A fresh nonce for one response: 128 random bits. */
export function newNonce(): string {
  return randomBytes(16).toString("base64");
}

/**
 * The policy for a page on this kind of host. Scripts run only from our own origin or with the response's nonce.
 * Stripe is allowed on every storefront page and every admin page, not only on the checkout and Admin → Payments: a
 * document's policy is fixed when it loads, and both are reached by client-side navigation (the cart's "Check out"
 * is a form whose redirect Remix follows without a new document). Nothing may frame a page (frame-ancestors);
 * a storefront route lets the theme editor's preview be framed by the platform (app/utils/storefront.server.ts).
 */
export function contentSecurityPolicy(site: Site["kind"], path: string, nonce: string, config: Config): string {
  const stripe = site === "shop" || /^\/admin\//.test(path);
  const scheme = config.production ? "https" : "http";
  const directives: [string, string[]][] = [
    ["default-src", ["'self'"]],
    ["script-src", ["'self'", `'nonce-${nonce}'`, ...(stripe ? STRIPE.script : [])]],
    // Themes set their colours in style attributes, and the rich-text preview is an inline <style>.
    ["style-src", ["'self'", "'unsafe-inline'"]],
    // Descriptions may show images from anywhere on https (imported from other shops).
    ["img-src", ["'self'", "data:", "blob:", "https:"]],
    ["font-src", ["'self'", "data:"]],
    // `remix dev` reloads the page over a websocket.
    ["connect-src", ["'self'", ...(stripe ? STRIPE.connect : []), ...(config.development ? ["ws:"] : [])]],
    // The theme editor frames the shop's storefront, at its subdomain of the store domain.
    ["frame-src", ["'self'", ...(site === "platform" ? [`${scheme}://*.${config.storeDomain}`] : []), ...(stripe ? STRIPE.frame : [])]],
    ["frame-ancestors", ["'none'"]],
    ["object-src", ["'none'"]],
    ["base-uri", ["'self'"]],
  ];
  return directives.map(([name, sources]) => `${name} ${sources.join(" ")}`).join("; ");
}

/** The edge's policy with a route's own directives (a preview's frame-ancestors) in place of the edge's of the same name. */
export function refinePolicy(edge: string, route: string): string {
  const parse = (policy: string) =>
    new Map(
      policy
        .split(";")
        .map((directive) => directive.trim())
        .filter(Boolean)
        .map((directive) => [directive.split(/\s+/)[0].toLowerCase(), directive] as const),
    );
  return [...new Map([...parse(edge), ...parse(route)]).values()].join("; ");
}
