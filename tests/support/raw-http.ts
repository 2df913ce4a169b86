import { randomBytes } from "node:crypto";
import http from "node:http";

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body as bytes, for images and other binary answers. */
  body: Buffer;
  text(): string;
}

/**
 * A request with an explicit Host header and a body of raw bytes (multipart
 * uploads), answered as bytes. If the server answers before reading the whole
 * body (an upload refused for its size), the answer still comes back.
 */
export function rawRequest(
  port: number,
  host: string,
  pathname: string,
  { method = "GET", headers = {}, body }: { method?: string; headers?: Record<string, string>; body?: Buffer } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        path: pathname,
        method,
        headers: { host, ...(body ? { "content-length": String(body.length) } : {}), ...headers },
      },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const bytes = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: bytes, text: () => bytes.toString("utf8") });
        });
        res.on("error", reject);
      },
    );
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    req.end(body);
  });
}

export interface FilePart {
  field: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

/** A multipart/form-data body, as a browser builds it for a form with file inputs. */
/** A multipart form: its fields (in order, a name may repeat), then its files. */
export function multipartBody(fields: Record<string, string> | [string, string][], files: FilePart[]): { body: Buffer; contentType: string } {
  const boundary = `----bazaar-test-${randomBytes(8).toString("hex")}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Array.isArray(fields) ? fields : Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  for (const file of files) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.filename}"\r\nContent-Type: ${file.contentType}\r\n\r\n`,
      ),
      file.data,
      Buffer.from("\r\n"),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/**
 * Sends a body of `bytes` bytes, `head` then filler, as fast as the server takes it, declared with
 * Content-Length or sent chunked, and stops sending as soon as an answer arrives. `sent` tells how much of the body
 * went out before the answer: a server that refuses early answers long before the end.
 */
export function floodRequest(
  port: number,
  host: string,
  pathname: string,
  { bytes, head = Buffer.alloc(0), chunked = false, headers = {} }: { bytes: number; head?: Buffer; chunked?: boolean; headers?: Record<string, string> },
): Promise<{ status: number; text: string; sent: number }> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        path: pathname,
        method: "POST",
        headers: { host, ...(chunked ? { "transfer-encoding": "chunked" } : { "content-length": String(bytes) }), ...headers },
      },
      (res) => {
        answered = true;
        const atAnswer = sent;
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (data) => (text += data));
        res.on("end", () => {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, text, sent: atAnswer });
        });
      },
    );
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    const filler = Buffer.alloc(64 * 1024, "a");
    const pump = () => {
      while (!answered && sent < bytes) {
        const piece = (sent < head.length ? head.subarray(sent) : filler).subarray(0, Math.min(filler.length, bytes - sent));
        sent += piece.length;
        if (!req.write(piece)) return void req.once("drain", pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}
