// The storefront's forms (cart, account, addresses, checkout), as zod schemas of the shared fields (shop/fields.server.ts) with
// the same limits and control-character rules. Every message here is a message id of the storefront catalogue
// (app/locales), said in the shop's language by `parseStoreForm`. The schemas judge a form's shape (sent once, bounded,
// one line, ids and buttons that exist); what the fields mean is judged by the domain functions, in their own words.
import type { IntlShape } from "react-intl";
import { z } from "zod";
import { PASSWORD_MAX_LENGTH } from "../../tenants/accounts.server.ts";
import { checkboxValue, choice, LIMITS, recordId, singleLine } from "../../shop/fields.server.ts";
import { ADDRESS_FIELDS, ADDRESS_LIMITS, NAME_MAX, validateAddress } from "../../shop/shopper-accounts.server.ts";
import { redirectTo } from "./account-forms.server.ts";
import { typedFields, type FieldErrors, type TypedValues } from "./forms.server.ts";

/** One line of text, at most `max` characters, "" when empty (the domain function says what an empty one means). */
function storeLine(max: number = LIMITS.line, required?: string) {
  return singleLine({ max, required, tooLong: "form.error.tooLong", controlCharacters: "form.error.oneLine" });
}

/** A password as typed: one line, bounded by the accounts' maximum, judged by the domain function. */
const password = (required?: string) => storeLine(PASSWORD_MAX_LENGTH, required);

/** Add (the product page's form sends no intent), change a quantity, remove a line, go to checkout. */
export const cartForm = z.object({
  intent: choice(["add", "update", "remove", "checkout"], "cart.error.unknownAction").default("add"),
  variantId: recordId("cart.error.productUnavailable").optional(),
  lineId: recordId("cart.error.lineGone").optional(),
  // As typed: the cart reads it (a whole number from 1 to the line's maximum) and says what is wrong in its words.
  quantity: storeLine(),
  drawer: checkboxValue("1", "form.error.unreadable"),
});

export const shopperLogInForm = z.object({
  email: storeLine(LIMITS.line, "account.error.enterEmail").transform((email) => email.trim()),
  password: password("account.error.enterPassword"),
  redirectTo: redirectTo(),
});

export const shopperRegistrationForm = z.object({
  email: storeLine(),
  password: password(),
  firstName: storeLine(NAME_MAX),
  lastName: storeLine(NAME_MAX),
  acceptsMarketing: checkboxValue("1", "form.error.unreadable"),
  redirectTo: redirectTo(),
});

export const shopperForgotPasswordForm = z.object({ email: storeLine(LIMITS.line, "account.forgot.enterEmail") });

export const shopperNewPasswordForm = z.object({ password: password() });

/** Deleting the account: the box ticked and the password, which `deleteShopperAccount` checks. */
export const shopperDeletionForm = z.object({ confirm: checkboxValue("delete", "account.privacy.confirmError"), password: password() });

/** A postal address, trimmed (the country code in upper case), each field within the address book's limits. */
export const addressFields = {
  name: storeLine(ADDRESS_LIMITS.name).transform((text) => text.trim()),
  line1: storeLine(ADDRESS_LIMITS.line1).transform((text) => text.trim()),
  line2: storeLine(ADDRESS_LIMITS.line2).transform((text) => text.trim()),
  city: storeLine(ADDRESS_LIMITS.city).transform((text) => text.trim()),
  region: storeLine(ADDRESS_LIMITS.region).transform((text) => text.trim()),
  postalCode: storeLine(ADDRESS_LIMITS.postalCode).transform((text) => text.trim()),
  // Any text: the address book says "Choose a country from the list." for one that isn't a code.
  country: storeLine().transform((text) => text.trim().toUpperCase()),
  phone: storeLine(ADDRESS_LIMITS.phone).transform((text) => text.trim()),
};

/** An address, new or edited, and whether it becomes the default. */
export const addressForm = z.object({ ...addressFields, makeDefault: checkboxValue("1", "form.error.unreadable") });

/** The address book's buttons: add an address, delete one, make one the default. */
export const addressBookForm = z.discriminatedUnion(
  "intent",
  [
    addressForm.extend({ intent: z.literal("create") }),
    z.object({ intent: z.literal(["delete", "default"]), addressId: recordId("account.addresses.notFound") }),
  ],
  { error: "account.addresses.unknownAction" },
);

/**
 * The checkout page's one form and its buttons (the address book's address, save, apply or remove a discount, pay);
 * Enter in a field saves. The email, shipping rate, discount code and card are judged by the checkout's functions.
 */
export const checkoutForm = z.object({
  intent: choice(["update", "use_address", "discount", "remove_discount", "pay"], "checkout.error.unknownAction").default("update"),
  addressId: recordId("checkout.error.chooseSavedAddress").optional(),
  email: storeLine(),
  marketingConsent: checkboxValue("1", "form.error.unreadable"),
  ...addressFields,
  shippingRateId: storeLine(),
  discountCode: storeLine(),
  card: storeLine(),
  // The total the shopper saw, checked by the payment functions when sent.
  expectedTotal: storeLine().transform((total) => total || undefined),
});

/** The address of a refused form, as typed. */
export function typedAddress(values: TypedValues) {
  return typedFields(values, ADDRESS_FIELDS);
}

/** A refused address form shown again: the text as typed, the schema's messages over what saving would also say. */
export function refusedAddress(errors: FieldErrors, values: TypedValues, intl: IntlShape) {
  const typed = typedAddress(values);
  return { errors: { ...validateAddress(typed, intl), ...errors }, values: typed };
}
