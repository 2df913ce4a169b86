import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export interface SavedMail {
  file: string;
  to: string;
  subject: string;
  /** The text/plain part, decoded. */
  text: string;
}

function decodeQuotedPrintable(body: string): string {
  const bytes = body.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/gi, (_, hex: string) => `%${hex}`);
  // Everything else is ASCII; percent-decoding turns the =XX bytes back into UTF-8 text.
  return decodeURIComponent(bytes.replace(/%(?![0-9A-F]{2})/gi, "%25"));
}

function decodeHeader(value: string): string {
  return (
    value
      .replace(/\r?\n\s+/g, " ")
      .replace(/\?=\s+=\?/g, "?==?")
      .replace(/=\?UTF-8\?Q\?([^?]*)\?=/gi, (_, text: string) => decodeQuotedPrintable(text.replace(/_/g, " ")))
      // Mostly non-ASCII text (a Chinese subject) comes base64-encoded.
      .replace(/=\?UTF-8\?B\?([^?]*)\?=/gi, (_, text: string) => Buffer.from(text, "base64").toString("utf8"))
  );
}

/** The messages the app wrote to MAIL_DIR (no SMTP configured), oldest first. */
export function readMailDir(dir: string): SavedMail[] {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => n.endsWith(".eml"))
      .sort();
  } catch {
    return [];
  }
  return names.map((name) => parseMail(readFileSync(path.join(dir, name), "utf8"), name));
}

/** One raw message (an .eml file, or what an SMTP server received after DATA), decoded. */
export function parseMail(raw: string, file = ""): SavedMail {
  const [head] = raw.split(/\r?\n\r?\n/, 1);
  const header = (field: string) => decodeHeader(new RegExp(`^${field}: (.*(?:\\r?\\n\\s+.*)*)`, "mi").exec(head)?.[1] ?? "");
  // A text-only message has its body right after the headers; a multipart one in its text/plain part.
  const plain = /^Content-Type: text\/plain/im.test(head)
    ? raw.slice(head.length).replace(/^\r?\n\r?\n/, "")
    : (/Content-Type: text\/plain[^]*?\r?\n\r?\n([^]*?)\r?\n--/i.exec(raw)?.[1] ?? "");
  return { file, to: header("To"), subject: header("Subject"), text: decodeQuotedPrintable(plain) };
}

/** The invitation link in the newest message to `to`. */
export function invitationLinkFor(dir: string, to: string): { url: URL; token: string } {
  const mail = readMailDir(dir)
    .filter((m) => m.to === to)
    .at(-1);
  if (!mail) throw new Error(`no mail to ${to} in ${dir}`);
  const match = /(https?:\/\/\S+\/invitations\/([A-Za-z0-9_-]{43}))/.exec(mail.text);
  if (!match) throw new Error(`no invitation link in ${mail.file}`);
  return { url: new URL(match[1]), token: match[2] };
}
