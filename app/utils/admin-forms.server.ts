// Admin forms whose pages have no domain module of their own to keep a schema in, as zod schemas of the shared
// fields (shop/fields.server.ts).
import { z } from "zod";
import { checkboxValue, choice, editorIntent, editVersion, LIMITS, multiline, recordIds, singleLine, VERSION_LOST } from "../../shop/fields.server.ts";

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
export const billingForm = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("subscribe"), plan: singleLine({ max: 40, required: "Choose one of the plans." }) }),
    z.object({ intent: z.literal("portal") }),
    z.object({ intent: z.enum(["pause", "resume"]) }),
    z.object({ intent: z.literal("close"), confirm: singleLine() }),
  ],
  { error: "Unknown action." },
);

/** The countries a shop's Stripe account can be opened in, as the payments page offers them. */
export const PAYOUT_COUNTRIES = [
  ["US", "United States"],
  ["GB", "United Kingdom"],
  ["CA", "Canada"],
  ["AU", "Australia"],
  ["DE", "Germany"],
  ["FR", "France"],
  ["NL", "Netherlands"],
  ["IE", "Ireland"],
  ["ES", "Spain"],
  ["IT", "Italy"],
  ["SE", "Sweden"],
  ["JP", "Japan"],
] as const;

const PAYOUT_COUNTRY_CODES = PAYOUT_COUNTRIES.map(([code]) => code) as [(typeof PAYOUT_COUNTRIES)[number][0], ...(typeof PAYOUT_COUNTRIES)[number][0][]];

/** The payments page: open the shop's Stripe account in a country, continue on Stripe, or ask Stripe again. */
export const paymentsForm = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("connect"), country: choice(PAYOUT_COUNTRY_CODES, "Choose the country your business is in.") }),
    z.object({ intent: z.literal("link") }),
    z.object({ intent: z.literal("refresh") }),
  ],
  { error: "Unknown action." },
);

/** A product's recommendation rules: pin, exclude or lift, for the other product's handle (or id, from a pick's row). */
export const recommendationRuleForm = z.object({
  intent: choice(["pin", "exclude", "lift"], "Unknown action."),
  product: singleLine({ required: "Enter the handle of a product." }).transform((other) => other.trim().toLowerCase()),
});

/** The product list's bulk bar: what to do with the ticked products, and the tag for the tag actions. */
export const productBulkForm = z.object({
  bulkAction: choice(["publish", "archive", "add_tag", "remove_tag", "delete"], "Choose what to do with the selected products."),
  tag: singleLine(),
  ids: recordIds("Tick the products to change first."),
});

/**
 * The product images page's small forms (its upload is a multipart form of its own). Ids and alt text are judged by
 * the media functions, which know the product's images; here they are bounded text. Assigning images to variants
 * sends one `variant-<id>` field per variant.
 */
export function productMediaForm() {
  const imageId = singleLine({ max: 40 });
  return z.discriminatedUnion(
    "intent",
    [
      // An alt text is collapsed to one line of at most MAX_ALT_LENGTH by updateImageAlt, with its message.
      z.object({ intent: z.literal("alt"), imageId, alt: multiline({ max: 5_000 }) }),
      z.object({ intent: z.literal("move"), imageId, direction: choice(["up", "down"], "Unknown action.") }),
      z.object({ intent: z.literal("reorder"), order: singleLine({ max: LIMITS.longText }) }),
      z.object({ intent: z.literal("delete"), imageId }),
      z.object({ intent: z.literal("variant-images") }).catchall(singleLine({ max: 40 })),
    ],
    { error: "Unknown action." },
  );
}

/**
 * The theme editor's buttons: save, publish, add a section, move or remove one (with the draft's version), or reset,
 * a form of its own that needs no version. The settings' fields are the theme's settings checker's to judge.
 */
export function themeEditorForm() {
  return z
    .object({
      intent: editorIntent(/^(save|publish|reset|add|(remove|up|down):\d{1,2})$/),
      newSectionType: singleLine({ max: 40 }),
      autosave: checkboxValue("1"),
      version: editVersion().optional(),
    })
    .superRefine(({ intent, version }, ctx) => {
      if (intent !== "reset" && version === undefined) ctx.addIssue({ code: "custom", path: ["version"], message: VERSION_LOST });
    });
}
