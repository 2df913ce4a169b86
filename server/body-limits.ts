import type { NextFunction, Request, Response } from "express";
import { PassThrough, type Readable } from "node:stream";
import { MAX_IMPORT_BYTES } from "../shop/csv/transfers.server.ts";
import { MAX_IMAGE_BYTES, MAX_IMAGES_PER_UPLOAD } from "../shop/media.server.ts";
import { MAX_BUNDLE_BYTES } from "../tenants/bundle.server.ts";
import type { Site } from "./context.ts";
import { decodeUtf8, pairsProblem } from "./input-text.ts";
import { MultipartInspector, type Refusal } from "./multipart-inspector.ts";

const KB = 1024;
const MB = 1024 * KB;

/** What a route's request body may be. Every route not in BODY_RULES gets DEFAULT_RULE. */
export interface BodyRule {
  /** Bytes of a form (urlencoded or multipart) or other accepted body, read whole before the route runs. */
  bytes: number;
  /** Parts of a multipart form. */
  parts: number;
  /**
   * Multipart uploads: streamed to the route as they arrive (files may be gigabytes), counted and checked on the way.
   * Any other body is refused (415), as Remix's multipart parser throws on it, unless `forms`: the route checks the
   * type itself and also takes urlencoded forms.
   */
  upload?: { bytes: number; parts: number; forms?: true };
  /** The route reads the raw bytes whatever their type (a signed webhook); checking them is the route's job. */
  raw?: boolean;
}

/** A form's fields, a few hundred of them: far more than any form of ours that isn't listed below needs. */
export const DEFAULT_RULE: BodyRule = { bytes: 256 * KB, parts: 500 };

// Single-fetch submissions go to the same address with `.data` appended; rules match without it.
const BODY_RULES: { site: Site["kind"]; path: RegExp; rule: BodyRule }[] = [
  // Uploads: the route's own upload handler sizes each file and answers inside its form; this bounds the whole.
  {
    site: "platform",
    path: /^\/admin\/[^/]+\/products\/[^/]+\/media$/,
    rule: { ...DEFAULT_RULE, upload: { bytes: MAX_IMAGES_PER_UPLOAD * MAX_IMAGE_BYTES + MB, parts: MAX_IMAGES_PER_UPLOAD + 10, forms: true } },
  },
  { site: "platform", path: /^\/admin\/[^/]+\/settings$/, rule: { ...DEFAULT_RULE, upload: { bytes: MAX_IMAGE_BYTES + MB, parts: 10, forms: true } } },
  { site: "platform", path: /^\/admin\/[^/]+\/transfers$/, rule: { ...DEFAULT_RULE, upload: { bytes: MAX_IMPORT_BYTES + MB, parts: 10 } } },
  { site: "platform", path: /^\/operator\/restore$/, rule: { ...DEFAULT_RULE, upload: { bytes: MAX_BUNDLE_BYTES + MB, parts: 10 } } },
  // Editors whose valid forms outgrow the default: up to 2,000 variant rows of ten fields and a long description;
  // pages, collections and policies of up to 100,000 characters each (up to 9 bytes a character once %-encoded).
  // The product editor takes new images with the product (multipart), as many parts as its variant rows need.
  {
    site: "platform",
    path: /^\/admin\/[^/]+\/products\/[^/]+$/,
    rule: { ...DEFAULT_RULE, bytes: 2 * MB, upload: { bytes: MAX_IMAGES_PER_UPLOAD * MAX_IMAGE_BYTES + 4 * MB, parts: 25_000, forms: true } },
  },
  { site: "platform", path: /^\/admin\/[^/]+\/(pages|collections)\/[^/]+$/, rule: { ...DEFAULT_RULE, bytes: MB } },
  { site: "platform", path: /^\/admin\/[^/]+\/settings\/policies$/, rule: { ...DEFAULT_RULE, bytes: 4 * MB } },
  // Stripe signs the raw JSON; events are small, but a few list objects inline.
  { site: "platform", path: /^\/webhooks\/stripe(\/connect|\/thin)?$/, rule: { ...DEFAULT_RULE, bytes: MB, raw: true } },
];

/** The rule for a request to this path on this kind of host. */
export function bodyRule(site: Site["kind"], path: string): BodyRule {
  const route = path.replace(/\.data$/, "");
  return BODY_RULES.find((entry) => entry.site === site && entry.path.test(route))?.rule ?? DEFAULT_RULE;
}

/** Why the request was refused; a route reading a refused upload sees its body end with this error. */
export class BodyRefusedError extends Error {}

/**
 * Express middleware: reads every request body under its route's rule (bodyRule) before Remix sees it, and answers
 * 413 (too large: by Content-Length before reading, else as the bytes arrive), 415 (not a form) or 400 (malformed,
 * control characters) itself. It leaves the body in `res.locals.body`: bytes, or for an upload a stream the route
 * reads while the edge still counts and checks it. A bodiless POST is an empty form.
 */
export function limitBodies(req: Request, res: Response<unknown, { site: Site; body?: Buffer | Readable }>, next: NextFunction): void {
  if (req.method === "GET" || req.method === "HEAD") return next();
  const rule = bodyRule(res.locals.site.kind, req.path);
  const type = (req.get("content-type") ?? "").toLowerCase();
  const multipart = type.startsWith("multipart/form-data");
  if (rule.upload && !rule.upload.forms && !multipart) return refuse(req, res, { status: 415, message: "Send this form as multipart/form-data." });
  const upload = multipart ? rule.upload : undefined;
  const maxBytes = upload?.bytes ?? rule.bytes;
  if (Number(req.get("content-length") ?? 0) > maxBytes) return refuse(req, res, tooLarge(maxBytes));
  const bodiless = req.get("content-length") === undefined && req.get("transfer-encoding") === undefined;
  if (!type && (bodiless || req.get("content-length") === "0")) {
    // Remix's request.formData() throws on a body without a form type; no body at all is simply an empty form.
    req.headers["content-type"] = "application/x-www-form-urlencoded";
    res.locals.body = Buffer.alloc(0);
    return next();
  }
  const boundary = multipart ? MultipartInspector.boundary(req.get("content-type")!) : null;
  if (multipart && !boundary) return refuse(req, res, { status: 400, message: "The form's multipart body has no boundary." });
  const urlencoded = type.startsWith("application/x-www-form-urlencoded");
  if (!multipart && !urlencoded && !rule.raw)
    return refuse(req, res, { status: 415, message: "Send forms as application/x-www-form-urlencoded or multipart/form-data." });
  const inspector = boundary && !rule.raw ? new MultipartInspector(boundary, { parts: upload?.parts ?? rule.parts, fieldBytes: rule.bytes }) : null;

  let size = 0;
  let refused = false;
  const chunks: Buffer[] = [];
  const stream = upload ? new PassThrough() : null;
  // A refusal destroys the stream with an error. The route may not be reading it yet (or ever), and an error
  // nobody listens for would crash the process; readers that are attached still receive it.
  stream?.on("error", () => {});
  const fail = (refusal: Refusal) => {
    refused = true;
    chunks.length = 0;
    stream?.destroy(new BodyRefusedError(refusal.message));
    refuse(req, res, refusal);
  };
  req.on("data", (chunk: Buffer) => {
    // After a refusal, or once the route has answered without reading all of an upload, the rest is discarded.
    if (refused || stream?.destroyed) return;
    size += chunk.length;
    if (size > maxBytes) return fail(tooLarge(maxBytes));
    // Checked before it is passed on, so a route never receives the end of a body that is refused.
    const problem = inspector?.write(chunk);
    if (problem) return fail(problem);
    if (!stream) chunks.push(chunk);
    else if (!stream.write(chunk)) req.pause();
  });
  req.on("end", () => {
    if (refused || stream?.destroyed) return;
    const problem = inspector ? inspector.end() : urlencoded && !rule.raw ? formProblem(Buffer.concat(chunks)) : null;
    if (problem) return fail(problem);
    if (stream) stream.end();
    else {
      res.locals.body = Buffer.concat(chunks);
      next();
    }
  });
  if (stream) {
    stream.on("drain", () => req.resume());
    // The sender went away mid-upload: the route's read fails instead of waiting for the rest.
    req.on("close", () => {
      if (!req.complete) stream.destroy(new BodyRefusedError("The upload was cut short."));
    });
    // The route answered without reading the whole upload (refused by a guard): drain the rest, don't keep it.
    res.on("finish", () => {
      stream.destroy();
      req.resume();
    });
    res.locals.body = stream;
    next();
  }
}

function formProblem(body: Buffer): Refusal | null {
  const text = decodeUtf8(body);
  const problem = text === null ? "The form isn't valid UTF-8 text." : pairsProblem(text, true);
  return problem ? { status: 400, message: problem } : null;
}

function tooLarge(bytes: number): Refusal {
  const size = bytes >= MB ? `${Math.round(bytes / MB)} MB` : `${Math.round(bytes / KB)} KB`;
  return { status: 413, message: `The request is larger than ${size}, the most this address takes.` };
}

/**
 * Answers a refusal as plain text and closes the connection, so the rest of an unread body isn't waited for.
 * Nothing is answered if the route already has (it then owns the response).
 */
export function refuse(req: Request, res: Response, refusal: Refusal): void {
  if (res.headersSent) return;
  res.status(refusal.status).set("Connection", "close").type("text").send(refusal.message);
  req.resume();
}
