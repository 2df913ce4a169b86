// The operator console's forms, as zod schemas of the shared fields (shop/fields.server.ts).
import { z } from "zod";
import { checkbox, email, LIMITS, multiline, shopSlug, singleLine, wholeNumber } from "../../shop/fields.server.ts";

const days = (min: number, max: number) => wholeNumber(`Enter a whole number of days from ${min} to ${max}.`, { min, max });

export const operatorSettingsForm = z.object({
  intent: z.literal("settings"),
  trial_days: days(0, 365),
  grace_days: days(0, 90),
  retention_days: days(1, 3650),
});

/** A plan as typed: amounts (en-US) and limits are read by `savePlan`, with its messages; here they are bounded text. */
export const planForm = z.object({
  intent: z.enum(["create-plan", "save-plan"]),
  id: singleLine({ max: 40 }),
  name: singleLine(),
  currency: singleLine({ max: 3 }),
  monthlyPrice: singleLine({ max: 64 }),
  pausedPrice: singleLine({ max: 64 }),
  feePercent: singleLine({ max: 64 }),
  maxProducts: singleLine({ max: 20 }),
  maxStaff: singleLine({ max: 20 }),
  maxStorageMb: singleLine({ max: 20 }),
  position: singleLine({ max: 20 }),
  public: checkbox(),
});

/** The plans page: its settings form, or a plan's (a new one or a saved one). */
export const operatorPlansForm = z.discriminatedUnion("intent", [operatorSettingsForm, planForm], { error: "Unknown action." });

/** A lifecycle action or a plan change on a shop's page; which actions the shop's status allows is the route's to say. */
export const operatorShopForm = z.object({
  intent: singleLine({ max: 40 }),
  plan: singleLine({ max: 40 }),
  reason: multiline({ max: LIMITS.note }),
  confirm: singleLine(),
  days: wholeNumber("Enter a number of days from 1 to 365.", { min: 1, max: 365 }).optional(),
});

/** Restoring a bundle (the file is the route's to read): a new address, an optional name, and the owner's email. */
export const restoreForm = z.object({
  slug: shopSlug(),
  name: singleLine({ max: 100, tooLong: "Enter a name of up to 100 characters, or leave it blank." }).transform((name) => name.trim()),
  owner: email("Enter the email of an existing merchant account: it will own the restored shop."),
});
