import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/**
 * Who may see a shop that isn't launched yet: visitors who typed the
 * storefront password, and the merchant through a short-lived preview token
 * signed on the platform host (the merchant's session cookie is host-only
 * there and never reaches the shop's host). Tokens and cookies are
 * HMAC-signed with PREVIEW_SECRET and name the shop they are for.
 */

/** Host-only cookie on the shop's host; one per shop because hosts differ. */
export const ACCESS_COOKIE = "bazaar_storefront";
export const PREVIEW_TOKEN_SECONDS = 10 * 60;
const PREVIEW_COOKIE_SECONDS = 2 * 60 * 60;
const PASSWORD_COOKIE_SECONDS = 30 * 24 * 60 * 60;

type Grant =
  /** In a URL, from the admin: becomes a preview cookie, or travels with each request inside the editor's frame. */
  | { kind: "preview-token"; shop: string; exp: number; theme: string | null }
  | { kind: "preview"; shop: string; exp: number; theme: string | null }
  /** `pw` ties the grant to the current password: changing it locks everyone out again. */
  | { kind: "password"; shop: string; exp: number; pw: string };

export function previewSecret(env: Record<string, string | undefined> = process.env): string {
  if (env.PREVIEW_SECRET) return env.PREVIEW_SECRET;
  if (env.NODE_ENV === "production") throw new Error("PREVIEW_SECRET must be set in production.");
  return "bazaar-development-preview-secret";
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

function mac(secret: string, text: string): string {
  return createHmac("sha256", secret).update(text).digest("base64url");
}

function sign(secret: string, grant: Grant): string {
  const body = Buffer.from(JSON.stringify(grant)).toString("base64url");
  return `${body}.${mac(secret, `storefront-access:${body}`)}`;
}

function verify(secret: string, token: string): Grant | null {
  const [body, signature, extra] = token.split(".");
  if (!body || !signature || extra !== undefined) return null;
  const expected = Buffer.from(mac(secret, `storefront-access:${body}`));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    return JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as Grant;
  } catch {
    return null;
  }
}

function passwordFingerprint(secret: string, shopId: string, password: string): string {
  return mac(secret, `storefront-password:${shopId}:${password}`).slice(0, 22);
}

/** For the admin: a token that lets its bearer preview this shop for ten minutes (optionally a theme's draft). */
export function createPreviewToken(secret: string, shopId: string, themeId: string | null = null, now = nowSeconds()): string {
  return sign(secret, { kind: "preview-token", shop: shopId, exp: now + PREVIEW_TOKEN_SECONDS, theme: themeId });
}

export interface PreviewGrant {
  themeId: string | null;
}

/** A valid, unexpired preview token for this shop, or null (forged, expired, or for another shop). */
export function readPreviewToken(secret: string, token: string, shopId: string, now = nowSeconds()): PreviewGrant | null {
  const grant = verify(secret, token);
  if (!grant || grant.kind !== "preview-token" || grant.shop !== shopId || grant.exp < now) return null;
  return { themeId: grant.theme };
}

export type CookieGrant = { kind: "preview"; themeId: string | null } | { kind: "password" };

/** What the access cookie grants on this shop now: password access only while the password is unchanged. */
export function readAccessCookie(
  secret: string,
  value: string | undefined,
  shop: { id: string; password: string | null },
  now = nowSeconds(),
): CookieGrant | null {
  if (!value) return null;
  const grant = verify(secret, value);
  if (!grant || grant.shop !== shop.id || grant.exp < now) return null;
  if (grant.kind === "preview") return { kind: "preview", themeId: grant.theme };
  if (grant.kind === "password" && shop.password !== null && grant.pw === passwordFingerprint(secret, shop.id, shop.password)) return { kind: "password" };
  return null;
}

function cookie(value: string, maxAge: number, secure: boolean): string {
  return `${ACCESS_COOKIE}=${value}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}

export function previewCookie(secret: string, shopId: string, themeId: string | null, secure: boolean, now = nowSeconds()): string {
  return cookie(sign(secret, { kind: "preview", shop: shopId, exp: now + PREVIEW_COOKIE_SECONDS, theme: themeId }), PREVIEW_COOKIE_SECONDS, secure);
}

export function passwordCookie(secret: string, shopId: string, password: string, secure: boolean, now = nowSeconds()): string {
  const grant: Grant = { kind: "password", shop: shopId, exp: now + PASSWORD_COOKIE_SECONDS, pw: passwordFingerprint(secret, shopId, password) };
  return cookie(sign(secret, grant), PASSWORD_COOKIE_SECONDS, secure);
}

export function clearAccessCookie(): string {
  return `${ACCESS_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax`;
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
