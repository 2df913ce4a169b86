import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { Parser } from "htmlparser2";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Shop } from "../db/types.ts";
import { buildForHost } from "../server/host-routes.ts";
import { SYSTEM_ACTOR } from "../shop/audit.server.ts";
import { saveDiscount } from "../shop/discounts.server.ts";
import { recordOrder } from "../shop/orders.server.ts";
import { registerShopper, type RegistrationInput } from "../shop/shopper-accounts.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb, type TenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { logIn, PLATFORM } from "./support/admin-forms.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { startTestApp, type TestApp } from "./support/http.ts";
import { operatorSession } from "./support/operator.ts";
import { multipartBody, rawRequest, type RawResponse } from "./support/raw-http.ts";
import { addMember, PASSWORD } from "./support/sales.ts";
import { ShopperClient } from "./support/shopper.ts";
import { createCollection, createPage, createProduct, launch, setPolicy, variant } from "./support/storefront.ts";

// Every route of the Remix build, on the host that serves it, as every kind of visitor; every form those pages show,
// posted back with hostile values. Whatever arrives, the answer is never a 5xx, and an answer that refuses (4xx)
// has changed nothing in the shop's schema or the registry.

const STORE = "north.shops.test";

/** What a visitor sends: each value alone in a field, the same in every field, or the field repeated or missing. */
const HOSTILE: Record<string, string> = {
  nul: "a\u0000b",
  control: "a\u0001\u001b[31m\u007fb",
  rtl: "\u202egpj.exe\u202c",
  bigint: "99999999999999999999999999",
  junk: "-1.5e309",
};
/** 100,000 characters; two of them fit the edge's 256 KB form cap. */
const LONG = "\u202e" + "a".repeat(99_999);
/** Bytes that aren't UTF-8 once %-decoded: a lone continuation byte, an overlong NUL, an unpaired surrogate. */
const MALFORMED = ["%80", "%C0%80", "%ED%A0%80"];

interface Visitor {
  name: string;
  /** Walks the same pages as a more privileged visitor after it: a few submissions per form test its permissions. */
  lesser?: boolean;
  host: string;
  cookie: () => string;
}

interface Field {
  name: string;
  value: string;
  hidden: boolean;
  file: boolean;
}
interface Form {
  method: string;
  action: string;
  multipart: boolean;
  fields: Field[];
  /** Submit buttons that carry a name (an intent), each a submission of its own. */
  buttons: { name: string; value: string }[];
}

let t: TestDatabase;
let app: TestApp;
let north: Shop;
let northDb: TenantDb;
let build: ServerBuild;
const params: Record<string, string> = {};
const visitors: Visitor[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  build = await import(pathToFileURL(path.resolve("build/index.js")).href);
  const owner = await createUser(t.db, { email: "owner@north.test", password: PASSWORD });
  north = await provisionShop(t.db, { slug: "north", name: "North", ownerId: owner.id });
  northDb = tenantDb(t.db, north.schema_name);
  await addMember(t.db, "staff@north.test", north, "staff");
  const mug = await createProduct(northDb, { title: "Mug", handle: "mug", variants: [variant([], 1250, { inventoryQuantity: 100 })] });
  const variantId = (await northDb.selectFrom("variants").select("id").where("product_id", "=", mug.id).executeTakeFirstOrThrow()).id;
  const collectionId = await createCollection(northDb, "kitchen", "Kitchen", [mug.id]);
  await createPage(northDb, "about", "About", "<p>Us</p>");
  await setPolicy(northDb, "refund-policy", "<p>30 days</p>");
  await launch(northDb);
  const shopper: RegistrationInput = { email: "ann@example.com", password: "a-long-password", firstName: "Ann", lastName: "Lee" };
  const registered = await registerShopper(northDb, shopper);
  if (!registered.ok) throw new Error(JSON.stringify(registered.errors));
  const order = await recordOrder(northDb, {
    email: shopper.email,
    currency: "USD",
    financialStatus: "paid",
    lines: [{ title: "Mug", unitPrice: 1250, quantity: 1 }],
  });
  const { status_token } = await northDb.selectFrom("orders").select("status_token").where("id", "=", order.id).executeTakeFirstOrThrow();
  const address = await northDb
    .insertInto("customer_addresses")
    .values({ customer_id: registered.customerId, name: "Ann Lee", line1: "1 Road", city: "Town", country: "GB" })
    .returning("id")
    .executeTakeFirstOrThrow();

  app = await startTestApp(t.url);
  const browser = new ShopperClient(app, STORE);
  expect((await browser.post("/account/login", { email: shopper.email, password: shopper.password })).status).toBe(303);
  expect((await browser.post("/cart", { variantId, quantity: "1" })).status).toBe(303);
  const checkout = await browser.post("/cart", { intent: "checkout" });
  expect(checkout.status).toBe(303);
  const discount = await saveDiscount(
    northDb,
    SYSTEM_ACTOR,
    {
      code: "TENOFF",
      kind: "percentage",
      value: "10",
      appliesTo: "order",
      collectionIds: [],
      productIds: [],
      minSubtotal: "",
      usageLimit: "",
      perCustomerLimit: "",
      startsAt: "",
      endsAt: "",
    },
    { currency: "USD", locale: "en-US" },
  );
  if (!discount.ok) throw new Error(JSON.stringify(discount.errors));
  const ownerCookie = await logIn(app, "owner@north.test", PASSWORD);
  const staffCookie = await logIn(app, "staff@north.test", PASSWORD);
  const operatorCookie = await operatorSession(app, t.db);

  // Real values for the routes' parameters, by the parameter's name and the route's area.
  Object.assign(params, {
    shop: "north",
    "products:id": mug.id,
    "collections:id": collectionId,
    "pages:id": (await northDb.selectFrom("pages").select("id").executeTakeFirstOrThrow()).id,
    "customers:id": registered.customerId,
    "addresses:id": address.id,
    "operator.shops:id": north.id,
    "discounts:id": discount.id,
    "products:handle": "mug",
    "collections:handle": "kitchen",
    "pages:handle": "about",
    "policies:handle": "refund-policy",
    "orders:token": status_token,
    "checkouts:token": /\/checkouts\/([^/?]+)/.exec(String(checkout.headers.location))![1],
    token: "no-such-token",
    number: order.number,
    theme: "minimal",
    hash: "no-such-hash",
    sitemap: "sitemap",
    "*": "no/such/thing",
  });

  visitors.push(
    { name: "anonymous", host: PLATFORM, cookie: () => "" },
    { name: "anonymous", host: STORE, cookie: () => "" },
    { name: "shopper", host: STORE, cookie: () => browser.cookieHeader() },
    { name: "staff", host: PLATFORM, cookie: () => staffCookie, lesser: true },
    { name: "owner", host: PLATFORM, cookie: () => ownerCookie },
    { name: "operator", host: PLATFORM, cookie: () => operatorCookie },
  );
});
afterAll(async () => {
  await snapshotClient?.end();
  await app?.close();
  await t?.drop();
});

/**
 * The build's routes that answer on a host (those with a loader or an action), each with a path made of its pattern:
 * parameters get real values, or the raw (already %-encoded) values given.
 */
function routePaths(
  kind: "platform" | "shop",
): { id: string; loader: boolean; action: boolean; params: string[]; fill(raw?: Record<string, string>): string }[] {
  const routes = (buildForHost(build, kind) as ServerBuild).routes;
  const fullPath = (id: string): string => {
    const route = routes[id];
    const parent = route.parentId ? fullPath(route.parentId) : "";
    return [parent, route.path ?? ""].filter(Boolean).join("/");
  };
  return Object.entries(routes)
    .filter(([, route]) => route.module.loader || route.module.action)
    .map(([id, route]) => {
      const pattern = fullPath(id);
      const names = [...pattern.matchAll(/:(\w+)|\*/g)].map((m) => m[1] ?? "*");
      // An index route whose parent has the same path is reached with ?index, as Remix's forms post to it.
      const index = route.index && Object.values(routes).some((other) => other !== route && !other.index && fullPath(other.id) === pattern);
      const fill = (raw: Record<string, string> = {}) => {
        let area = "";
        const filled = pattern
          .split("/")
          .map((segment) => {
            // A parameter is a whole segment, or its start (":sitemap.xml").
            const [, name, suffix] = /^:(\w+)(.*)$/.exec(segment) ?? (segment === "*" ? [segment, "*", ""] : []);
            if (!name) return ((area = segment === "shops" && area === "operator" ? "operator.shops" : segment), segment);
            if (name in raw) return raw[name] + suffix;
            const value = params[`${area}:${name}`] ?? params[name];
            if (value === undefined) throw new Error(`no value for ${segment} in ${id}: add one to the walk's params`);
            return (name === "*" ? value : encodeURIComponent(value)) + suffix;
          })
          .join("/");
        return `/${filled}${index ? "?index" : ""}`;
      };
      return { id, loader: Boolean(route.module.loader), action: Boolean(route.module.action), params: names, fill };
    });
}

/** The forms of a page that post back to this host: fields with their values as rendered, and named submit buttons. */
function formsIn(html: string, pagePath: string): Form[] {
  const forms: Form[] = [];
  let form: Form | null = null;
  let select: Field | null = null;
  let textarea: Field | null = null;
  const parser = new Parser(
    {
      onopentag(tag, attrs) {
        if (tag === "form") {
          form = {
            method: (attrs.method ?? "get").toLowerCase(),
            action: attrs.action ?? pagePath,
            multipart: attrs.enctype === "multipart/form-data",
            fields: [],
            buttons: [],
          };
          return;
        }
        if (!form || attrs.disabled !== undefined) return;
        const name = attrs.name;
        if (tag === "button" && (attrs.type ?? "submit") === "submit") {
          if (name) form.buttons.push({ name, value: attrs.value ?? "" });
        } else if (tag === "input" && name) {
          const type = (attrs.type ?? "text").toLowerCase();
          if (type === "submit") {
            form.buttons.push({ name, value: attrs.value ?? "" });
          } else if ((type !== "checkbox" && type !== "radio") || attrs.checked !== undefined) {
            form.fields.push({ name, value: attrs.value ?? (type === "checkbox" ? "on" : ""), hidden: type === "hidden", file: type === "file" });
          }
        } else if (tag === "select" && name) {
          select = { name, value: "", hidden: false, file: false };
          form.fields.push(select);
        } else if (tag === "option" && select && (attrs.selected !== undefined || !select.value)) {
          select.value = attrs.value ?? "";
        } else if (tag === "textarea" && name) {
          textarea = { name, value: "", hidden: false, file: false };
          form.fields.push(textarea);
        }
      },
      ontext(text) {
        if (textarea) textarea.value += text;
      },
      onclosetag(tag) {
        if (tag === "form" && form) {
          forms.push(form);
          form = null;
        }
        if (tag === "select") select = null;
        if (tag === "textarea") textarea = null;
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  return forms.filter((f) => f.action.startsWith("/") && !f.action.startsWith("//"));
}

/** Fields as a body: urlencoded with each value %-encoded, except values already written as raw %-escapes. */
function encode(pairs: [string, string][], raw = false): string {
  return pairs.map(([name, value]) => `${encodeURIComponent(name)}=${raw ? value : encodeURIComponent(value)}`).join("&");
}

function send(visitor: Visitor, method: string, target: string, body?: { pairs: [string, string][]; multipart: boolean; raw?: boolean }): Promise<RawResponse> {
  const headers: Record<string, string> = { cookie: visitor.cookie() };
  if (method !== "GET") headers.origin = `http://${visitor.host}`;
  if (!body) return rawRequest(app.port, visitor.host, target, { method, headers });
  if (body.multipart) {
    const files = body.pairs.filter(([name]) => name.startsWith("\0file:"));
    const fields = body.pairs.filter(([name]) => !name.startsWith("\0file:"));
    // multipartBody takes a record: a repeated name keeps its last value there, so duplicates go urlencoded instead.
    const { body: bytes, contentType } = multipartBody(
      Object.fromEntries(fields),
      files.map(([name, value]) => ({ field: name.slice(6), filename: `${value.slice(0, 50)}.png`, contentType: "image/png", data: Buffer.from(value) })),
    );
    return rawRequest(app.port, visitor.host, target, { method, body: bytes, headers: { ...headers, "content-type": contentType } });
  }
  return rawRequest(app.port, visitor.host, target, {
    method,
    body: Buffer.from(encode(body.pairs, body.raw)),
    headers: { ...headers, "content-type": "application/x-www-form-urlencoded" },
  });
}

/** The submissions made of one form and one of its buttons: hostile values in every shape issue 8 lists. */
function submissions(
  form: Form,
  button: { name: string; value: string } | null,
): { label: string; pairs: [string, string][]; raw?: boolean; multipart: boolean }[] {
  const named = (field: Field) => (field.file ? `\0file:${field.name}` : field.name);
  const base = form.fields.map((f): [string, string] => [named(f), f.value]);
  const press: [string, string][] = button ? [[button.name, button.value]] : [];
  const visible = form.fields.filter((f) => !f.hidden);
  const out: ReturnType<typeof submissions> = [];
  const multipart = form.multipart;
  for (const [label, value] of Object.entries(HOSTILE)) {
    // Visible fields hostile, hidden ones (ids, versions) as rendered: reaches the route's own checks. NUL and
    // control characters never get past the edge, so once is enough for them; junk numbers are like the bigint.
    if (label !== "nul" && label !== "control" && label !== "junk")
      out.push({
        label: `${label} in visible fields`,
        multipart,
        pairs: [...form.fields.map((f): [string, string] => [named(f), f.hidden ? f.value : value]), ...press],
      });
    // Every field hostile: ids and versions too (text in an id is the junk number's case).
    if (label !== "rtl")
      out.push({ label: `${label} in every field`, multipart, pairs: [...form.fields.map((f): [string, string] => [named(f), value]), ...press] });
  }
  for (let i = 0; i < visible.length; i += 2) {
    const long = new Set(visible.slice(i, i + 2));
    out.push({
      label: `100,000 characters in ${[...long].map((f) => f.name)}`,
      multipart,
      pairs: [...form.fields.map((f): [string, string] => [named(f), long.has(f) ? LONG : f.value]), ...press],
    });
  }
  out.push(
    {
      label: `malformed UTF-8 (${MALFORMED.join(", ")})`,
      multipart: false,
      raw: true,
      pairs: [
        ...form.fields.map((f, i): [string, string] => [f.name, `a${MALFORMED[i % MALFORMED.length]}b`]),
        ...press.map(([n, v]): [string, string] => [n, encodeURIComponent(v)]),
      ],
    },
    {
      label: "every field twice",
      multipart: false,
      pairs: [...base, ...form.fields.map((f): [string, string] => [f.name, HOSTILE.bigint]), ...press, ...press],
    },
    { label: "no fields but the button", multipart: false, pairs: press },
  );
  return out;
}

/**
 * Everything a refused request must leave alone: every row of the shop's schema and of the registry, as a hash per
 * table. One prepared statement on a connection of its own, planned once: it runs after every post.
 */
let snapshotClient: pg.Client | null = null;
async function snapshot(): Promise<Map<string, string>> {
  if (!snapshotClient) {
    snapshotClient = new pg.Client({ connectionString: t.url });
    await snapshotClient.connect();
  }
  const { rows: tables } = await snapshotClient.query<{ name: string }>({
    name: "walk-tables",
    text: "select schemaname || '.' || tablename as name from pg_tables where schemaname in ($1, 'platform') order by 1",
    values: [north.schema_name],
  });
  // Counters and sessions move on a refused login by design (docs/decisions/026): they are not data a request saves.
  const volatile = new Set(["platform.rate_limits", "platform.sessions", "platform.operator_sessions"]);
  const text = tables
    .map((r) => r.name)
    .filter((name) => !volatile.has(name))
    .map((name) => `select '${name}' as t, md5(coalesce(string_agg(x::text, ',' order by x::text), '')) as h from ${name} x`)
    .join(" union all ");
  const { rows } = await snapshotClient.query<{ t: string; h: string }>({ name: `walk-snapshot-${tables.length}`, text });
  return new Map(rows.map((r) => [r.t, r.h]));
}

function changedTables(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...after].filter(([table, hash]) => before.get(table) !== hash).map(([table]) => table);
}

/** Raw (already %-encoded) path parameters: past bigint, negative, RTL override, long, and two the edge refuses. */
const PARAM_VALUES = ["99999999999999999999", "-1", "%E2%80%AEx", "x".repeat(2000), "%C0%80", "%00"];
const QUERY_NAMES = ["q", "page", "sort", "status", "redirectTo", "cursor", "tag", "min", "max"];
/**
 * Query strings for every page: each parameter gets each hostile value over three requests (rotated, so a page reads
 * a number past bigint, an RTL override and junk in every parameter), then NUL and control characters, 100,000
 * characters and malformed %-escapes, which the edge refuses whatever the route.
 */
const QUERIES: { label: string; pairs: [string, string][]; raw?: boolean }[] = [
  ...[0, 1, 2].map((shift) => ({
    label: `bigint, RTL and junk rotated (${shift})`,
    pairs: QUERY_NAMES.map((name, i): [string, string] => [name, [HOSTILE.bigint, HOSTILE.rtl, HOSTILE.junk][(i + shift) % 3]]),
  })),
  { label: "NUL and control characters", pairs: QUERY_NAMES.map((name, i): [string, string] => [name, i % 2 ? HOSTILE.nul : HOSTILE.control]) },
  { label: "100,000 characters", pairs: [["q", LONG]] },
  { label: "malformed UTF-8", raw: true, pairs: QUERY_NAMES.map((name, i): [string, string] => [name, `a${MALFORMED[i % MALFORMED.length]}`]) },
];

describe("hostile walk", () => {
  it("answers no 5xx to any route, parameter, query or form field, and a refusal saves nothing", async () => {
    const errors: string[] = [];
    const partial: string[] = [];
    let requests = 0;
    const check = (res: RawResponse, what: string) => {
      requests++;
      if (res.status >= 500) errors.push(`${what}: ${res.status} ${res.text().slice(0, 300)}`);
    };
    // The state after one post is the state before the next, unless a GET (which may start a cart) came between.
    let last: Map<string, string> | null = null;
    const get = async (visitor: Visitor, target: string, what = `${visitor.name}@${visitor.host} GET ${target.slice(0, 200)}`) => {
      last = null;
      const res = await send(visitor, "GET", target);
      check(res, what);
      return res;
    };
    const post = async (visitor: Visitor, target: string, body: { pairs: [string, string][]; multipart: boolean; raw?: boolean }, what: string) => {
      const before = last ?? (await snapshot());
      const res = await send(visitor, "POST", target, body);
      check(res, what);
      // A download of the catalogue records its end just after its last byte: wait for that before looking.
      if (String(res.headers["content-disposition"]).startsWith("attachment")) {
        await vi.waitFor(async () =>
          expect(await northDb.selectFrom("catalogue_transfers").select("id").where("status", "=", "running").execute()).toEqual([]),
        );
      }
      last = await snapshot();
      if (res.status >= 400 && res.status < 500) {
        const changed = changedTables(before, last);
        if (changed.length) partial.push(`${what}: ${res.status} changed ${changed.join(", ")}`);
      }
    };

    for (const visitor of visitors) {
      const kind = visitor.host === PLATFORM ? "platform" : "shop";
      const seenForms = new Set<string>();
      for (const route of routePaths(kind)) {
        // Ending the visitor's session would end the walk as that visitor.
        if (/logout/.test(route.id)) continue;
        const who = `${visitor.name}@${visitor.host}`;
        // An action without a page (a download, a session for Stripe's script) is posted to as it is.
        const page = route.loader ? await get(visitor, route.fill()) : null;
        // Only pages this visitor may see: elsewhere the guard answers (a redirect to log in, a 403) before any input is read.
        if (page && page.status >= 300) continue;

        for (const param of page ? route.params : []) {
          for (const value of PARAM_VALUES) await get(visitor, route.fill({ [param]: value }));
        }
        const separator = route.fill().includes("?") ? "&" : "?";
        for (const query of page ? QUERIES : []) {
          await get(visitor, route.fill() + separator + encode(query.pairs, query.raw), `${who} GET ${route.fill()} with ${query.label} in the query`);
        }

        const html = page && /^text\/html/.test(String(page.headers["content-type"])) ? page.text() : "";
        const forms = formsIn(html, route.fill());
        // An action that no form on its page posts to is still reachable: post to it with made-up fields.
        if (route.action && !forms.some((f) => f.method === "post" && f.action.split("?")[0] === route.fill().split("?")[0])) {
          forms.push({
            method: "post",
            action: route.fill(),
            multipart: false,
            fields: [
              { name: "intent", value: "x", hidden: false, file: false },
              { name: "id", value: "1", hidden: true, file: false },
            ],
            buttons: [],
          });
        }
        for (const form of forms) {
          if (/logout/.test(form.action)) continue;
          const key = `${form.method} ${form.action} ${form.fields.map((f) => f.name).join(",")} ${form.buttons.map((b) => `${b.name}=${b.value}`).join(",")}`;
          if (seenForms.has(key)) continue;
          seenForms.add(key);
          // One button of each kind: "up:1" and "up:2" (a row's buttons) run the same code.
          const kinds = new Map(form.buttons.map((b) => [`${b.name}=${b.value.replace(/\d+/g, "N")}`, b]));
          for (const button of kinds.size ? kinds.values() : [null]) {
            const all = submissions(form, button);
            const some = visitor.lesser ? all.filter((x) => /^(bigint in every field|every field twice|no fields but the button)$/.test(x.label)) : all;
            for (const submission of some) {
              const what = `${who} ${form.method.toUpperCase()} ${form.action} (${button ? `${button.name}=${button.value}, ` : ""}${submission.label})`;
              if (form.method === "get") {
                if (submission.multipart) continue;
                const separator = form.action.includes("?") ? "&" : "?";
                await get(
                  visitor,
                  form.action +
                    separator +
                    encode(
                      submission.pairs.map(([n, v]) => [n.replace(/^\0file:/, ""), v]),
                      submission.raw,
                    ),
                  what,
                );
              } else {
                await post(visitor, form.action, submission, what);
              }
            }
          }
        }
      }
    }
    // The walk reached the app: thousands of requests, not a handful cut short by a broken login.
    expect(requests).toBeGreaterThan(2000);
    expect(errors).toEqual([]);
    expect(partial).toEqual([]);
  }, 180_000);
});
