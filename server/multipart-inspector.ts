import { CONTROL_IN_FORM, decodeUtf8, formTextProblem } from "./input-text.ts";

/** A request the edge refuses: the status and a plain sentence for the sender. */
export interface Refusal {
  status: 400 | 413 | 415;
  message: string;
}

export interface MultipartLimits {
  /** Parts (fields and files) in one body. */
  parts: number;
  /** Bytes of one text field; files are sized by the route's upload handler, which answers inside its form. */
  fieldBytes: number;
}

/** Part headers are a few short lines; anything longer is not a browser's form. */
const MAX_HEADER_BYTES = 16 * 1024;
const HEADERS_END = Buffer.from("\r\n\r\n");
const HEADER_CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;

/**
 * Reads a multipart/form-data body as it streams past, without keeping files: counts the parts, sizes the text
 * fields and checks their text (and every part's headers) as form text. Feed it each chunk BEFORE passing the
 * chunk on, so a route's parser never sees the end of a body this refuses.
 */
export class MultipartInspector {
  private readonly delimiter: Buffer;
  // The body is read as if preceded by CRLF, so the first boundary looks like every other one.
  private pending: Buffer = Buffer.from("\r\n");
  private state: "preamble" | "headers" | "body" | "after-delimiter" | "done" = "preamble";
  private parts = 0;
  private field: Buffer[] | null = null;
  private fieldSize = 0;

  constructor(
    boundary: string,
    private readonly limits: MultipartLimits,
  ) {
    this.delimiter = Buffer.from(`\r\n--${boundary}`);
  }

  /** The boundary of a multipart/form-data Content-Type, or null if it has none. */
  static boundary(contentType: string): string | null {
    const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
    return match ? (match[1] ?? match[2]) : null;
  }

  /** Takes the next chunk; a refusal as soon as the body breaks a limit or a rule. */
  write(chunk: Buffer): Refusal | null {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    for (;;) {
      const progress = this.step();
      if (progress === "wait") return null;
      if (progress !== "next") return progress;
    }
  }

  /** The body has ended: a refusal if it stopped before the closing boundary. */
  end(): Refusal | null {
    return this.state === "done" ? null : { status: 400, message: "The form's multipart body is cut short or malformed." };
  }

  private step(): Refusal | "next" | "wait" {
    switch (this.state) {
      case "preamble":
      case "body": {
        const at = this.pending.indexOf(this.delimiter);
        // Without a delimiter, all but a possible delimiter's beginning is content.
        const end = at < 0 ? Math.max(0, this.pending.length - this.delimiter.length + 1) : at;
        const refusal = this.state === "body" ? this.content(this.pending.subarray(0, end)) : null;
        if (refusal) return refusal;
        this.pending = this.pending.subarray(at < 0 ? end : at + this.delimiter.length);
        if (at < 0) return "wait";
        if (this.state === "body") {
          const finished = this.finishPart();
          if (finished) return finished;
        }
        this.state = "after-delimiter";
        return "next";
      }
      case "after-delimiter": {
        if (this.pending.length < 2) return "wait";
        const next = this.pending.subarray(0, 2).toString("latin1");
        this.pending = this.pending.subarray(2);
        if (next === "--") {
          this.state = "done";
          return "next";
        }
        if (next !== "\r\n") return { status: 400, message: "The form's multipart body is malformed." };
        if (++this.parts > this.limits.parts) return { status: 413, message: `The form has more than ${this.limits.parts} parts.` };
        this.state = "headers";
        return "next";
      }
      case "headers": {
        const at = this.pending.indexOf(HEADERS_END);
        if (at < 0) return this.pending.length > MAX_HEADER_BYTES ? { status: 400, message: "The form's multipart body is malformed." } : "wait";
        const headers = decodeUtf8(this.pending.subarray(0, at));
        this.pending = this.pending.subarray(at + HEADERS_END.length);
        if (headers === null) return { status: 400, message: "The form isn't valid UTF-8 text." };
        // Names and file names sit on one header line each: no control characters but tabs there.
        if (headers.split("\r\n").some((line) => HEADER_CONTROL.test(line))) return { status: 400, message: CONTROL_IN_FORM };
        const disposition = /^content-disposition:(.*)$/im.exec(headers)?.[1] ?? "";
        // A part without a file name is a text field, checked like a field of a urlencoded form.
        this.field = /;\s*filename\*?=/i.test(disposition) ? null : [];
        this.fieldSize = 0;
        this.state = "body";
        return "next";
      }
      case "done":
        // Whatever follows the closing boundary (an epilogue) is ignored, as parsers do.
        this.pending = Buffer.alloc(0);
        return "wait";
    }
  }

  private content(bytes: Buffer): Refusal | null {
    if (!this.field || !bytes.length) return null;
    this.fieldSize += bytes.length;
    if (this.fieldSize > this.limits.fieldBytes)
      return { status: 413, message: `A form field is larger than ${Math.round(this.limits.fieldBytes / 1024)} KB.` };
    this.field.push(Buffer.from(bytes));
    return null;
  }

  private finishPart(): Refusal | null {
    if (!this.field) return null;
    const text = decodeUtf8(Buffer.concat(this.field));
    this.field = null;
    if (text === null) return { status: 400, message: "The form isn't valid UTF-8 text." };
    const problem = formTextProblem(text);
    return problem ? { status: 400, message: problem } : null;
  }
}
