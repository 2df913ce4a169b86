import { createCookie, type Cookie } from "@remix-run/node";
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Who may see a shop that isn't launched yet: visitors who typed the
 * storefront password, and the merchant through a short-lived preview token
 * signed on the platform host (the merchant's session cookie is host-only
 * there and never reaches the shop's host). Tokens and cookies are signed by
 * Remix's `createCookie` with PREVIEW_SECRET's secrets (newest first, so older
 * ones still verify while they rotate out) and name the shop they are for.
 */

/** Host-only cookie on the shop's host; one per shop because hosts differ. */
export const ACCESS_COOKIE = "bazaar_storefront";
/** Never sent as a cookie: only its signing encodes the preview token that travels in a URL. */
const PREVIEW_TOKEN_NAME = "bazaar_preview_token";
export const PREVIEW_TOKEN_SECONDS = 10 * 60;
const PREVIEW_COOKIE_SECONDS = 2 * 60 * 60;
const PASSWORD_COOKIE_SECONDS = 30 * 24 * 60 * 60;

type Grant =
  /** In a URL, from the admin: becomes a preview cookie, or travels with each request inside the editor's frame. */
  | { kind: "preview-token"; shop: string; exp: number; theme: string | null }
  | { kind: "preview"; shop: string; exp: number; theme: string | null }
  /** `pw` ties the grant to the current password: changing it locks everyone out again. */
  | { kind: "password"; shop: string; exp: number; pw: string };

export class MissingSecretError extends Error {}

/**
 * PREVIEW_SECRET as a list, newest first. Outside development a server without one refuses to start; under
 * `npm run dev` each run makes a random one (previews then last until the next restart). No fixed fallback exists,
 * so a server that merely lacks NODE_ENV can't sign with a value anyone could read in this file.
 */
export function cookieSecrets(env: Record<string, string | undefined> = process.env): string[] {
  const secrets = (env.PREVIEW_SECRET ?? "")
    .split(",")
    .map((secret) => secret.trim())
    .filter(Boolean);
  if (secrets.length) return secrets;
  if (env.NODE_ENV === "development") return [randomBytes(32).toString("base64url")];
  throw new MissingSecretError(
    "PREVIEW_SECRET is not set. It signs storefront preview links and password cookies: set it to a long random value " +
      "(e.g. `openssl rand -hex 32`); to rotate, list the new one first, comma-separated, and drop the old one later.",
  );
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

export interface PreviewGrant {
  themeId: string | null;
}

export type CookieGrant = { kind: "preview"; themeId: string | null } | { kind: "password" };

export type StorefrontAccess = ReturnType<typeof createStorefrontAccess>;

/** `secure`: the cookie is Secure (production); it never names a domain, so it stays on the shop's own host. */
export function createStorefrontAccess(secrets: string[], { secure }: { secure: boolean }) {
  if (!secrets.length) throw new MissingSecretError("createStorefrontAccess needs at least one secret.");
  const accessCookie: Cookie = createCookie(ACCESS_COOKIE, { path: "/", httpOnly: true, sameSite: "lax", secure, secrets });
  const tokenCookie: Cookie = createCookie(PREVIEW_TOKEN_NAME, { secrets });

  // Tied to the password without putting a crackable hash of it in a cookie anyone holding it can read.
  const passwordFingerprint = (secret: string, shopId: string, password: string) =>
    createHmac("sha256", secret).update(`storefront-password:${shopId}:${password}`).digest("base64url").slice(0, 22);

  async function readGrant(cookie: Cookie, header: string): Promise<Grant | null> {
    const grant: unknown = await cookie.parse(header);
    return grant && typeof grant === "object" && "kind" in grant && "shop" in grant && "exp" in grant ? (grant as Grant) : null;
  }

  return {
    /** For the admin: a token that lets its bearer preview this shop for ten minutes (optionally a theme's draft). */
    async createPreviewToken(shopId: string, themeId: string | null = null, now = nowSeconds()): Promise<string> {
      const grant: Grant = { kind: "preview-token", shop: shopId, exp: now + PREVIEW_TOKEN_SECONDS, theme: themeId };
      const header = await tokenCookie.serialize(grant);
      return header.slice(PREVIEW_TOKEN_NAME.length + 1, header.indexOf(";"));
    },

    /** A valid, unexpired preview token for this shop, or null (forged, expired, or for another shop). */
    async readPreviewToken(token: string, shopId: string, now = nowSeconds()): Promise<PreviewGrant | null> {
      if (/[;,\s]/.test(token)) return null;
      const grant = await readGrant(tokenCookie, `${PREVIEW_TOKEN_NAME}=${token}`);
      if (!grant || grant.kind !== "preview-token" || grant.shop !== shopId || grant.exp < now) return null;
      return { themeId: grant.theme };
    },

    /** What the request's access cookie grants on this shop now: password access only while the password is unchanged. */
    async readAccessCookie(cookieHeader: string | null, shop: { id: string; password: string | null }, now = nowSeconds()): Promise<CookieGrant | null> {
      if (!cookieHeader) return null;
      const grant = await readGrant(accessCookie, cookieHeader);
      if (!grant || grant.shop !== shop.id || grant.exp < now) return null;
      if (grant.kind === "preview") return { kind: "preview", themeId: grant.theme };
      const password = shop.password;
      if (grant.kind === "password" && password !== null && secrets.some((secret) => grant.pw === passwordFingerprint(secret, shop.id, password))) {
        return { kind: "password" };
      }
      return null;
    },

    previewCookie(shopId: string, themeId: string | null, now = nowSeconds()): Promise<string> {
      const grant: Grant = { kind: "preview", shop: shopId, exp: now + PREVIEW_COOKIE_SECONDS, theme: themeId };
      return accessCookie.serialize(grant, { maxAge: PREVIEW_COOKIE_SECONDS });
    },

    passwordCookie(shopId: string, password: string, now = nowSeconds()): Promise<string> {
      const grant: Grant = { kind: "password", shop: shopId, exp: now + PASSWORD_COOKIE_SECONDS, pw: passwordFingerprint(secrets[0], shopId, password) };
      return accessCookie.serialize(grant, { maxAge: PASSWORD_COOKIE_SECONDS });
    },

    clearAccessCookie(): Promise<string> {
      return accessCookie.serialize("", { maxAge: 0 });
    },
  };
}

/** Compares what the visitor typed with the storefront password in constant time. */
export function passwordMatches(typed: string, password: string | null): boolean {
  if (password === null || password === "") return false;
  const a = createHash("sha256").update(typed).digest();
  const b = createHash("sha256").update(password).digest();
  return timingSafeEqual(a, b);
}

/** One cookie's value from a Cookie header. */
export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return rest.join("=");
  }
  return undefined;
}
