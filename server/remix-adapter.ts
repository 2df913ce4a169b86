import { createReadableStreamFromReadable, writeReadableStreamToWritable } from "@remix-run/node";
import type { Request as ExpressRequest, Response as ExpressResponse } from "express";
import type { Readable } from "node:stream";
import { refinePolicy } from "./csp.ts";

// @remix-run/express's adapter, split in two (it doesn't export the halves) so the app can look at a Response
// before sending it: ETags and the page cache for storefront pages, cache invalidation after admin changes.

/**
 * The Fetch API request Remix handles, at `origin` (what the edge resolved the host to). `body` is what the edge
 * read (server/body-limits.ts): the bytes of a form, or the stream of an upload still arriving; an upload the edge
 * refuses midway aborts the request.
 */
export function createRemixRequest(req: ExpressRequest, res: ExpressResponse, origin: string, body: Buffer | Readable | undefined): Request {
  const url = new URL(origin + req.originalUrl);
  const headers = new Headers();
  for (const [name, values] of Object.entries(req.headers)) {
    if (!values) continue;
    for (const value of Array.isArray(values) ? values : [values]) headers.append(name, value);
  }
  // Remix compares a POST's Origin with these; the edge has already checked it against the host it resolved.
  headers.set("host", url.host);
  headers.delete("x-forwarded-host");
  // Abort loaders and actions when the client goes away before the response is finished.
  let controller: AbortController | null = new AbortController();
  res.on("finish", () => (controller = null));
  res.on("close", () => controller?.abort());
  const init: RequestInit & { duplex?: "half" } = { method: req.method, headers, signal: controller.signal };
  if (Buffer.isBuffer(body)) init.body = new Uint8Array(body);
  else if (body) {
    const abort = controller;
    body.once("error", () => abort.abort());
    init.body = createReadableStreamFromReadable(body);
    init.duplex = "half";
  }
  return new Request(url.href, init);
}

/**
 * Copies a route's headers onto the Express response: each replaces a default the app set earlier (security
 * headers), except Set-Cookie, of which there may be several.
 */
export function copyHeaders(res: ExpressResponse, headers: Iterable<[string, string]>): void {
  for (const [name, value] of headers) {
    if (name.toLowerCase() === "set-cookie") res.append(name, value);
    // A route's policy refines the edge's, which carries the nonce the page was rendered with (server/csp.ts).
    else if (name.toLowerCase() === "content-security-policy" && res.get(name)) res.set(name, refinePolicy(String(res.get(name)), value));
    else res.set(name, value);
  }
}

export async function sendRemixResponse(res: ExpressResponse, response: Response): Promise<void> {
  res.statusMessage = response.statusText;
  res.status(response.status);
  copyHeaders(res, response.headers.entries());
  if (/text\/event-stream/i.test(response.headers.get("content-type") ?? "")) res.flushHeaders();
  if (response.body) await writeReadableStreamToWritable(response.body, res);
  else res.end();
}
