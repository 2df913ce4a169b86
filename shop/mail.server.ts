import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import nodemailer, { type Transporter } from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport";

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface MailSettings {
  /** SMTP connection (a URL or options), or null to write each message to `dir` instead. */
  smtp: string | SMTPTransport.Options | null;
  from: string;
  dir: string;
}

const DEFAULT_FROM = "Bazaar <no-reply@localhost>";
const DEFAULT_DIR = ".data/mail";

/** Where mail goes, from the environment: SMTP_URL, or SMTP_HOST with SMTP_PORT/SMTP_USER/SMTP_PASSWORD. */
export function mailSettings(env: Record<string, string | undefined> = process.env): MailSettings {
  const from = env.MAIL_FROM || DEFAULT_FROM;
  const dir = path.resolve(env.MAIL_DIR || DEFAULT_DIR);
  if (env.SMTP_URL) return { smtp: env.SMTP_URL, from, dir };
  if (env.SMTP_HOST) {
    const port = Number(env.SMTP_PORT || 587);
    if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`SMTP_PORT must be a port number, got ${env.SMTP_PORT}`);
    return {
      smtp: {
        host: env.SMTP_HOST,
        port,
        // Port 465 speaks TLS from the start; others upgrade with STARTTLS when the server offers it.
        secure: port === 465,
        auth: env.SMTP_USER ? { user: env.SMTP_USER, pass: env.SMTP_PASSWORD ?? "" } : undefined,
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 20_000,
      },
      from,
      dir,
    };
  }
  return { smtp: null, from, dir };
}

// One SMTP transport per configuration, reused across messages.
const smtpTransports = new Map<string, Transporter>();
const fileTransport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });

/**
 * Sends a message through SMTP, or, with no SMTP configured (development,
 * tests, the demo), writes it as an .eml file to MAIL_DIR (default .data/mail).
 * Returns the file's path in that case.
 */
export async function sendMail(message: MailMessage, settings: MailSettings = mailSettings()): Promise<{ messageId: string; file: string | null }> {
  const envelope = { from: settings.from, ...message };
  if (settings.smtp) {
    const key = JSON.stringify(settings.smtp);
    let transport = smtpTransports.get(key);
    if (!transport) {
      transport = nodemailer.createTransport(settings.smtp);
      smtpTransports.set(key, transport);
    }
    const info = await transport.sendMail(envelope);
    return { messageId: info.messageId, file: null };
  }
  const info = await fileTransport.sendMail(envelope);
  await mkdir(settings.dir, { recursive: true });
  const file = path.join(settings.dir, `${new Date().toISOString().replace(/[:.]/g, "-")}-${randomBytes(4).toString("hex")}.eml`);
  await writeFile(file, info.message as Buffer);
  return { messageId: info.messageId, file };
}

/** What became of a message: sent now, written to MAIL_DIR (no SMTP configured), or queued to be sent again. */
export type MailDelivery = "sent" | "no-mail-server" | "queued";

/** Sends at once, or queues the message for retries; the one way requests send mail (jobs/processors/mail.server.ts). */
export type DeliverMail = (message: MailMessage) => Promise<MailDelivery>;

/** Thrown by DeliverMail when the message could neither be sent nor queued: nothing will send it. */
export class MailUnavailableError extends Error {
  constructor(cause: unknown) {
    super("The mail server and the job queue are both unavailable", { cause });
    this.name = "MailUnavailableError";
  }
}

/**
 * Whether an error is a MailUnavailableError. Not `instanceof`: the mailer comes from the services, loaded apart
 * from the Remix build, whose routes hold a class of their own by the same name.
 */
export function isMailUnavailable(error: unknown): error is MailUnavailableError {
  return error instanceof Error && error.name === "MailUnavailableError";
}

/** What a page says when the mail it was about to send could neither go out nor wait in the queue. */
export const MAIL_UNAVAILABLE = "We couldn't send the email: our mail server isn't answering. Nothing was changed; try again in a few minutes.";
