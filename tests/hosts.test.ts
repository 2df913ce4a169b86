import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb } from "../tenants/handle.server.ts";
import { classifyHost } from "../tenants/hosts.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { addShopDomain } from "../tenants/registry.server.ts";
import { changeShopStatus } from "../tenants/lifecycle.server.ts";
import { OPERATOR_CHANGE } from "./support/lifecycle.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { startTestApp, type TestApp } from "./support/http.ts";
import { launch } from "./support/storefront.ts";

const hosts = { platformHost: "bazaar.test", storeDomain: "shops.test" };

describe("classifyHost", () => {
  it("tells the platform, shop subdomains and custom domains apart", () => {
    expect(classifyHost("bazaar.test", hosts)).toEqual({ kind: "platform" });
    expect(classifyHost("BAZAAR.test.", hosts)).toEqual({ kind: "platform" });
    expect(classifyHost("acme.shops.test", hosts)).toEqual({ kind: "subdomain", slug: "acme" });
    expect(classifyHost("www.acme-shoes.example", hosts)).toEqual({ kind: "custom-domain", hostname: "www.acme-shoes.example" });
    expect(classifyHost("shop.example:8443", hosts)).toEqual({ kind: "custom-domain", hostname: "shop.example" });
  });

  it("rejects reserved, malformed and nested subdomains without a lookup", () => {
    for (const host of [
      "www.shops.test",
      "admin.shops.test",
      "api.shops.test",
      "ab.shops.test",
      "a.b.shops.test",
      "-x-.shops.test",
      "shops.test",
      "",
      "localhost",
      "bad_host.example",
    ]) {
      expect(classifyHost(host, hosts), host).toEqual({ kind: "invalid" });
    }
  });

  it("keeps the port: localhost:3000 is the platform, acme.localhost:3000 a shop", () => {
    const local = { platformHost: "localhost:3000", storeDomain: "localhost:3000" };
    expect(classifyHost("localhost:3000", local)).toEqual({ kind: "platform" });
    expect(classifyHost("acme.localhost:3000", local)).toEqual({ kind: "subdomain", slug: "acme" });
    expect(classifyHost("acme.localhost:4000", local)).toEqual({ kind: "custom-domain", hostname: "acme.localhost" });
  });
});

describe("host resolution over HTTP", () => {
  let t: TestDatabase;
  let app: TestApp;
  let proxied: TestApp;

  beforeAll(async () => {
    t = await createTestDatabase();
    const owner = await createUser(t.db, { email: "owner@example.com", password: "correct horse" });
    const acme = await provisionShop(t.db, { slug: "acme", name: "Acme Goods", ownerId: owner.id });
    await provisionShop(t.db, { slug: "shut", name: "Shut Shop", ownerId: owner.id });
    await addShopDomain(t.db, acme.id, "www.acme-goods.example");
    // Launched: an unlaunched shop answers every address but "/" with its password page.
    await launch(tenantDb(t.db, acme.schema_name));
    app = await startTestApp(t.url);
    proxied = await startTestApp(t.url, { TRUST_PROXY: "1" });
    const shut = await app.services.registry.resolve({ kind: "subdomain", slug: "shut" });
    await changeShopStatus(t.db, shut!.id, "suspend", { ...OPERATOR_CHANGE, registry: app.services.registry });
  });

  afterAll(async () => {
    await app?.close();
    await proxied?.close();
    await t?.drop();
  });

  it("serves the landing page on the platform host", async () => {
    const res = await app.request("bazaar.test", "/");
    expect(res.status).toBe(200);
    expect(res.body).toContain("Open your shop");
  });

  it("serves a shop's home on its subdomain and on its custom domain", async () => {
    for (const host of ["acme.shops.test", "www.acme-goods.example"]) {
      const res = await app.request(host, "/");
      expect(res.status, host).toBe(200);
      expect(res.body).toContain("Acme Goods");
      expect(res.body).not.toContain("Open your shop");
    }
  });

  it("serves public/ files on every host, and nothing else from that folder's path", async () => {
    for (const host of ["bazaar.test", "acme.shops.test"]) {
      const icon = await app.request(host, "/favicon.svg");
      expect(icon.status, host).toBe(200);
      expect(icon.headers["content-type"]).toContain("image/svg+xml");
    }
    expect((await app.request("acme.shops.test", "/build")).status).toBe(404);
    expect((await app.request("acme.shops.test", "/favicon.svg.bak")).status).toBe(404);
  });

  it("answers 404 for an unknown shop and for a reserved subdomain", async () => {
    for (const host of ["nobody.shops.test", "www.shops.test", "admin.shops.test", "unknown-domain.example"]) {
      const res = await app.request(host, "/");
      expect(res.status, host).toBe(404);
      expect(res.body).toContain("Shop not found");
    }
  });

  it("answers 503 'shop unavailable' for a suspended shop, for every path", async () => {
    for (const path of ["/", "/anything", "/admin"]) {
      const res = await app.request("shut.shops.test", path);
      expect(res.status).toBe(503);
      expect(res.body).toContain("Shop unavailable");
      expect(res.body).not.toContain("Shut Shop");
    }
  });

  it("ignores X-Forwarded-Host unless TRUST_PROXY is set", async () => {
    const spoofed = await app.request("bazaar.test", "/", { headers: { "x-forwarded-host": "acme.shops.test" } });
    expect(spoofed.body).toContain("Open your shop");
    expect(spoofed.body).not.toContain("Acme Goods");

    const forwarded = await proxied.request("internal.lb", "/", { headers: { "x-forwarded-host": "acme.shops.test" } });
    expect(forwarded.status).toBe(200);
    expect(forwarded.body).toContain("Acme Goods");
  });

  it("keeps platform pages off shop hosts and storefront pages off the platform host", async () => {
    expect((await app.request("acme.shops.test", "/signup")).status).toBe(404);
    expect((await app.request("acme.shops.test", "/admin/acme")).headers.location).toBe("http://bazaar.test/admin/acme");
    expect((await app.request("acme.shops.test", "/operator")).status).toBe(404);
  });

  it("sees a reactivated shop on the next request", async () => {
    const shut = await app.services.registry.resolve({ kind: "subdomain", slug: "shut" });
    await changeShopStatus(t.db, shut!.id, "reactivate", { ...OPERATOR_CHANGE, registry: app.services.registry });
    expect((await app.request("shut.shops.test", "/")).status).toBe(200);
    await changeShopStatus(t.db, shut!.id, "suspend", { ...OPERATOR_CHANGE, registry: app.services.registry });
    expect((await app.request("shut.shops.test", "/")).status).toBe(503);
  });
});
