// Admin forms whose pages have no domain module of their own to keep a schema in, as zod schemas of the shared
// fields (shop/fields.server.ts).
import { z } from "zod";
import { singleLine } from "../../shop/fields.server.ts";

/**
 * The dashboard's buttons: launch the shop (`confirmed` names the open onboarding steps the merchant confirmed), or
 * mail the owner's verification link again.
 */
export const launchForm = z.discriminatedUnion(
  "intent",
  [z.object({ intent: z.literal("launch"), confirmed: singleLine({ max: 1_000 }) }), z.object({ intent: z.literal("verify-email") })],
  { error: "Unknown action." },
);

/** Publishing a theme: which one is the save's to check (an unknown theme is "not found"). */
export const publishThemeForm = z.object({ theme: singleLine({ max: 100, required: "Choose a theme." }) });

/** The billing page: subscribe to a plan, open the portal, or a lifecycle action (close asks for the shop's address). */
export const billingForm = z.object({
  intent: singleLine({ max: 40, required: "Unknown action." }),
  plan: singleLine({ max: 40 }),
  confirm: singleLine(),
});
