import { slugProblem } from "./slugs.ts";

export interface HostConfig {
  /** e.g. "bazaar.example" or "localhost:3000" */
  platformHost: string;
  /** Shops answer at `<slug>.<storeDomain>`. */
  storeDomain: string;
}

export type HostTarget = { kind: "platform" } | { kind: "subdomain"; slug: string } | { kind: "custom-domain"; hostname: string } | { kind: "invalid" };

/** Lowercases and drops a trailing dot; keeps the port, which is part of the host. */
export function normalizeHost(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/\.(?=:|$)/, "");
}

/**
 * Classifies a Host header without touching the database. A subdomain whose
 * label could never be a slug (reserved or malformed) is invalid, so it never
 * reaches the registry.
 */
export function classifyHost(rawHost: string | undefined, config: HostConfig): HostTarget {
  if (!rawHost) return { kind: "invalid" };
  const host = normalizeHost(rawHost);
  if (host === normalizeHost(config.platformHost)) return { kind: "platform" };
  const storeDomain = normalizeHost(config.storeDomain);
  if (host === storeDomain) return { kind: "invalid" };
  const suffix = "." + storeDomain;
  if (host.endsWith(suffix)) {
    const label = host.slice(0, -suffix.length);
    if (label.includes(".") || slugProblem(label)) return { kind: "invalid" };
    return { kind: "subdomain", slug: label };
  }
  const hostname = host.replace(/:\d+$/, "");
  if (!/^[a-z0-9.-]+$/.test(hostname) || !hostname.includes(".")) return { kind: "invalid" };
  return { kind: "custom-domain", hostname };
}
