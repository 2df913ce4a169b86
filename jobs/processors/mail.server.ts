import type { Queue } from "bullmq";
import {
  mailSettings,
  MailUnavailableError,
  sendMail,
  type DeliverMail,
  type MailDelivery,
  type MailMessage,
  type MailSettings,
} from "../../shop/mail.server.ts";
import { openQueue, startWorker, type JobStore } from "../queues.server.ts";

/**
 * Mail a request sends goes out at once; when the mail server doesn't take it, the message waits in this queue and
 * the worker tries again with growing pauses (docs/decisions/038-mail-retries.md).
 */
export const MAIL_QUEUE = "mail";

/** The whole message: its link is single-use and short-lived, and the job is removed once it is sent. */
export type MailJob = { message: MailMessage };

// 8 attempts, 30 s apart at first and doubling: the last about an hour after the first, within a reset link's life.
export const MAIL_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: "exponential" as const, delay: 30_000 },
  removeOnComplete: true,
  removeOnFail: { age: 7 * 86_400 },
};

// A job store that doesn't answer must not hold the request for longer than the mail server may.
const ENQUEUE_TIMEOUT_MS = 5_000;

async function enqueue(queue: Queue<MailJob>, message: MailMessage): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the job store didn't answer within ${ENQUEUE_TIMEOUT_MS} ms`)), ENQUEUE_TIMEOUT_MS);
  });
  try {
    const job = await Promise.race([queue.add("send", { message }, MAIL_JOB_OPTIONS), timeout]);
    return job.id;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Sends the message now; if that fails, queues it for the worker to retry. Throws MailUnavailableError only when
 * the queue refuses it too. Logs never carry the body: it holds a sign-in or reset link.
 */
export async function deliverMail(queue: Queue<MailJob>, message: MailMessage, settings: MailSettings = mailSettings()): Promise<MailDelivery> {
  let sendError: unknown;
  try {
    const sent = await sendMail(message, settings);
    return sent.file ? "no-mail-server" : "sent";
  } catch (error) {
    sendError = error;
  }
  const reason = sendError instanceof Error ? sendError.message : String(sendError);
  try {
    const jobId = await enqueue(queue, message);
    console.warn(`mail "${message.subject}" not sent (${reason}); queued to retry as job ${MAIL_QUEUE}/${jobId}`);
    return "queued";
  } catch (queueError) {
    console.error(`mail "${message.subject}" not sent (${reason}) and not queued:`, queueError instanceof Error ? queueError.message : queueError);
    throw new MailUnavailableError(queueError);
  }
}

/** The services' (and the worker's) mailer: one queue, opened on first use; mail settings are read at each send. */
export function createMailer(store: JobStore): { deliver: DeliverMail; close(): Promise<void> } {
  let queue: Queue<MailJob> | undefined;
  return {
    async deliver(message) {
      const current = (queue ??= openQueue<MailJob>(store, MAIL_QUEUE));
      try {
        return await deliverMail(current, message);
      } catch (error) {
        // An enqueue still waiting for the store would go through once it answers: a mail the page said wasn't sent,
        // its link never saved. Closing the queue drops it; the next mail opens another.
        if (queue === current) queue = undefined;
        await current.close().catch(() => undefined);
        throw error;
      }
    },
    close: async () => void (await queue?.close()),
  };
}

/** The worker's processor: a failure throws, so BullMQ tries again after its backoff. */
export async function sendQueuedMail(job: { data: MailJob }, settings: MailSettings = mailSettings()): Promise<{ messageId: string }> {
  const { messageId } = await sendMail(job.data.message, settings);
  return { messageId };
}

export function startMailWorker(store: JobStore) {
  return startWorker<MailJob>(store, MAIL_QUEUE, (job) => sendQueuedMail(job));
}
