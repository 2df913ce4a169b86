import { escapeXml } from "../shop/sitemap.server.ts";
import { platformOrigin, type Config } from "./config.ts";

function page(title: string, message: string, config: Config): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${title}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:15vh auto;padding:0 1rem;color:#1f2328}a{color:#0b57d0}</style>
</head><body><h1>${title}</h1><p>${message}</p><p><a href="${platformOrigin(config)}/">Bazaar</a></p></body></html>`;
}

// Static text only: nothing from the request is echoed back.
export const unknownShopPage = (config: Config) =>
  page("Shop not found", "There is no shop at this address. Check the spelling, or open your own shop on Bazaar.", config);

export const unavailableShopPage = (config: Config) => page("Shop unavailable", "This shop is not available right now. Please come back later.", config);

export const closedShopPage = (config: Config) => page("Shop closed", "This shop has closed and no longer takes orders.", config);

/** A paused shop: its storefront is up, its checkout is not. The name comes from the registry, escaped. */
export const checkoutClosedPage = (config: Config, shopName: string) =>
  page("Checkout closed", `${escapeXml(shopName)} is not taking orders right now. You can still browse the shop; please come back later to buy.`, config);

/** An unexpected error, outside development: nothing about the error itself (no stack, no database message). */
export const serverErrorPage = (config: Config) => page("Something went wrong", "Please try again in a moment.", config);
