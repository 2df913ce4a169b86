/**
 * An in-process LRU of rendered storefront responses. Keys carry the shop id
 * and its cache version (shop/page-cache.server.ts), so a merchant change
 * makes every older entry of that shop unreachable at once; those age out of
 * the LRU. Only visitor-independent responses are ever stored (see
 * server/app.server.ts).
 */

export interface CachedPage {
  status: number;
  headers: [string, string][];
  body: Buffer;
  etag: string;
}

export class PageCache {
  private readonly entries = new Map<string, CachedPage>();
  private bytes = 0;

  constructor(private readonly limits: { maxEntries: number; maxBytes: number } = { maxEntries: 2_000, maxBytes: 64 * 1024 * 1024 }) {}

  static key(shopId: string, version: string, url: string): string {
    return `${shopId}\n${version}\n${url}`;
  }

  get(key: string): CachedPage | undefined {
    const page = this.entries.get(key);
    if (!page) return undefined;
    // Map order is insertion order: re-inserting marks it most recently used.
    this.entries.delete(key);
    this.entries.set(key, page);
    return page;
  }

  set(key: string, page: CachedPage): void {
    if (page.body.length > this.limits.maxBytes / 16) return;
    this.delete(key);
    this.entries.set(key, page);
    this.bytes += page.body.length;
    for (const [oldest, old] of this.entries) {
      if (this.entries.size <= this.limits.maxEntries && this.bytes <= this.limits.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= old.body.length;
    }
  }

  get size(): number {
    return this.entries.size;
  }

  private delete(key: string): void {
    const old = this.entries.get(key);
    if (!old) return;
    this.entries.delete(key);
    this.bytes -= old.body.length;
  }
}
