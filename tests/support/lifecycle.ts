import type { MailMessage } from "../../shop/mail.server.ts";
import type { ChangeOptions } from "../../tenants/lifecycle.server.ts";

/** An operator's lifecycle change with a reason; the owner's email is kept in `sentMail` instead of sent. */
export const sentMail: MailMessage[] = [];

export const OPERATOR_CHANGE: ChangeOptions = {
  actor: { kind: "operator", email: "ops@example.com" },
  reason: "Changed by a test",
  platformOrigin: "http://bazaar.test",
  send: async (message) => (sentMail.push(message), "sent"),
};
