import http from "node:http";
import { expect } from "vitest";
import type { ThemeSettings } from "../../themes/settings.ts";
import { cookiePair, type TestApp, type TestResponse } from "./http.ts";

export const PLATFORM = "bazaar.test";
export const ORIGIN = `http://${PLATFORM}`;

/** Form fields in order; a name may repeat (ticked checkboxes), as a browser sends them. */
export type FormFields = [string, string][] | Record<string, string>;

export async function logIn(app: TestApp, email: string, password: string): Promise<string> {
  const res = await app.request(PLATFORM, "/login", { method: "POST", form: { email, password }, headers: { origin: ORIGIN } });
  expect(res.status).toBe(302);
  return cookiePair(res.headers["set-cookie"], "bazaar_session");
}

/** A signed-in merchant's GET on the platform host. */
export function adminGet(app: TestApp, cookie: string, path: string): Promise<TestResponse> {
  return app.request(PLATFORM, path, { headers: { cookie } });
}

/** A signed-in merchant's form POST on the platform host, with repeated names kept. */
export function adminPost(app: TestApp, cookie: string, path: string, fields: FormFields): Promise<TestResponse> {
  const body = new URLSearchParams(Array.isArray(fields) ? fields : Object.entries(fields)).toString();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port: app.port,
        path,
        method: "POST",
        headers: {
          host: PLATFORM,
          origin: ORIGIN,
          cookie,
          "content-type": "application/x-www-form-urlencoded",
          "content-length": Buffer.byteLength(body),
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** The value attribute of the input with this name in a rendered page (React escapes &, <, > and "). */
export function inputValue(html: string, name: string): string | null {
  const tag = new RegExp(`<input[^>]*\\bname="${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"[^>]*>`).exec(html)?.[0];
  if (!tag) return null;
  const value = /\bvalue="([^"]*)"/.exec(tag)?.[1] ?? "";
  return value
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, "&");
}

/** The theme editor's form as a browser would post it, from settings. */
export function themeEditorForm(settings: ThemeSettings, extra: Record<string, string> = {}): Record<string, string> {
  const form: Record<string, string> = { headingFont: settings.headingFont, bodyFont: settings.bodyFont, logoWidth: String(settings.logoWidth) };
  for (const [key, value] of Object.entries(settings.colors)) form[`colors.${key}`] = value;
  if (settings.announcement.enabled) form["announcement.enabled"] = "on";
  form["announcement.text"] = settings.announcement.text;
  form["announcement.link"] = settings.announcement.link;
  settings.sections.forEach((section, i) => {
    for (const [key, value] of Object.entries(section)) form[`sections.${i}.${key}`] = String(value);
  });
  return { ...form, ...extra };
}

/**
 * A save from an edit page as a browser sends it: with the `version` the page was opened on (decision 035), read
 * from the page at `opened` (default: the path posted to). The fields' own `version`, if any, wins; a page that
 * doesn't open (another shop's, a forbidden one) has none to send.
 */
export async function adminSave(app: TestApp, cookie: string, path: string, fields: FormFields, opened = path): Promise<TestResponse> {
  const entries = Array.isArray(fields) ? fields : Object.entries(fields);
  if (entries.some(([name]) => name === "version")) return adminPost(app, cookie, path, entries);
  const page = await adminGet(app, cookie, opened);
  const version = page.status === 200 ? inputValue(page.body, "version") : null;
  return adminPost(app, cookie, path, version === null ? entries : [...entries, ["version", version]]);
}
