import type { TestApp, TestResponse } from "./http.ts";

/**
 * A shopper's browser on one shop host, for HTTP tests: keeps the cookies the
 * shop sets (honouring Max-Age=0) and sends the exact Origin on posts.
 */
export class ShopperClient {
  readonly cookies = new Map<string, string>();

  constructor(
    private readonly app: TestApp,
    readonly host: string,
  ) {}

  /** This client's cookies, sent to another host (as a forged or misrouted request would). */
  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  private remember(res: TestResponse): TestResponse {
    const all = res.headers["set-cookie"] ?? [];
    for (const header of all) {
      const [pair, ...attributes] = header.split(";").map((part) => part.trim());
      const [name, ...rest] = pair.split("=");
      if (attributes.some((a) => /^max-age=0$/i.test(a))) this.cookies.delete(name);
      else this.cookies.set(name, rest.join("="));
    }
    return res;
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<TestResponse> {
    return this.remember(await this.app.request(this.host, path, { headers: { cookie: this.cookieHeader(), ...headers } }));
  }

  async post(path: string, form: Record<string, string> | [string, string][], headers: Record<string, string> = {}): Promise<TestResponse> {
    return this.remember(
      await this.app.request(this.host, path, { method: "POST", form, headers: { cookie: this.cookieHeader(), origin: `http://${this.host}`, ...headers } }),
    );
  }
}

/** The one Set-Cookie header for a cookie name, with its attributes. */
export function setCookieHeader(res: TestResponse, name: string): string | undefined {
  return (res.headers["set-cookie"] ?? []).find((c) => c.startsWith(`${name}=`));
}
