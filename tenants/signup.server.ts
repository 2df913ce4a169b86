import type { PlatformDb } from "../db/database.server.ts";
import type { Shop, User } from "../db/types.ts";
import { z } from "zod";
import { email, newPassword, problemsOf, shopSlug, singleLine } from "../shop/fields.server.ts";
import { createUser, EmailTakenError } from "./accounts.server.ts";
import { startTrial } from "./lifecycle.server.ts";
import { provisionShopInTransaction, SlugUnavailableError } from "./provision.server.ts";
import { SLUG_MESSAGES } from "./slugs.ts";

export interface SignupInput {
  email: string;
  password: string;
  shopName: string;
  slug: string;
}

/** Field problems, and `form` for one about the whole attempt (too many of them). */
export type SignupErrors = Partial<Record<keyof SignupInput | "form", string>>;

/** The signup form: the schema the page's form is read with and every signup is checked against. */
export const signupForm = z.object({
  email: email(),
  password: newPassword(),
  shopName: singleLine({ max: 80, required: "Give your shop a name." }).transform((name) => name.trim()),
  slug: shopSlug(),
});

export function validateSignup(input: SignupInput): SignupErrors {
  return problemsOf(signupForm, input);
}

export type SignupResult = { ok: true; user: User; shop: Shop } | { ok: false; errors: SignupErrors };

/** A new merchant and their first shop, together or not at all. */
export async function signUpMerchant(db: PlatformDb, input: SignupInput): Promise<SignupResult> {
  const errors = validateSignup(input);
  if (Object.keys(errors).length) return { ok: false, errors };
  try {
    return await db.transaction().execute(async (trx) => {
      const user = await createUser(trx, { email: input.email, password: input.password, emailVerified: false });
      const provisioned = await provisionShopInTransaction(trx, { slug: input.slug, name: input.shopName.trim(), ownerId: user.id });
      const shop = await startTrial(trx, provisioned.id);
      return { ok: true as const, user, shop };
    });
  } catch (error) {
    if (error instanceof EmailTakenError) return { ok: false, errors: { email: "An account with this email already exists. Log in instead." } };
    if (error instanceof SlugUnavailableError) return { ok: false, errors: { slug: SLUG_MESSAGES[error.problem] } };
    throw error;
  }
}
