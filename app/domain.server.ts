// Route modules reach server-only code outside app/ through this file alone: Remix's
// compiler swaps `*.server` modules for empty ones in the browser build only inside app/.
export { listMemberships, normalizeEmail, verifyCredentials } from "../tenants/accounts.server.ts";
export { findShopBySlug } from "../tenants/registry.server.ts";
export { signUpMerchant, type SignupErrors } from "../tenants/signup.server.ts";
