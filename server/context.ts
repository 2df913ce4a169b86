import type { Shop } from "../db/types.ts";
import type { TenantDb } from "../tenants/handle.server.ts";
import type { MerchantSession, MerchantUser } from "./auth.server.ts";
import type { OperatorIdentity } from "./operator-auth.server.ts";
import type { Services } from "./services.server.ts";

/** Which site this request is for; resolved once, in the server entry, from the registry. */
export type Site = { kind: "platform" } | { kind: "shop"; shop: Shop; db: TenantDb };

/** The one request-scoped context every loader and action receives. */
export type RequestContext = {
  services: Services;
  site: Site;
  /** This response's Content-Security-Policy nonce (server/csp.ts): every inline script we render carries it. */
  nonce: string;
  /** The exact origin of this request, e.g. http://acme.localhost:3000. */
  origin: string;
  /** Client address, for throttling (X-Forwarded-For only with TRUST_PROXY). */
  clientAddress: string;
  /** The merchant signed in on the platform host, if any. */
  user: MerchantUser | null;
  session: MerchantSession | null;
  /** The operator signed in to the console (only read for /operator addresses); never a merchant. */
  operator: OperatorIdentity | null;
};

declare module "@remix-run/server-runtime" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- module augmentation needs an interface
  interface AppLoadContext extends RequestContext {}
  interface Future {
    v3_singleFetch: true;
  }
}
