// The forms of the platform's account pages (log in, sign up, passwords, invitations), as zod schemas of the shared
// fields (shop/fields.server.ts); routes read them with `readForm`.
import { z } from "zod";
import { currentPassword, email, newPassword, singleLine } from "../../shop/fields.server.ts";

const ENTER_BOTH = "Enter your email and password.";

/** Where to go after logging in: `safeRedirectPath` judges it; one that isn't text of a sane length is dropped, not refused. */
export const redirectTo = () => z.string().max(2_048).optional().catch(undefined);

export const logInForm = z.object({ email: email(ENTER_BOTH), password: currentPassword(ENTER_BOTH), redirectTo: redirectTo() });

export const operatorLogInForm = z.object({
  email: email("Enter your email, password and the code from your authenticator app."),
  password: currentPassword("Enter your email, password and the code from your authenticator app."),
  code: singleLine({ max: 32, required: "Enter your email, password and the code from your authenticator app." }),
  redirectTo: redirectTo(),
});

export const forgotPasswordForm = z.object({ email: email("Enter the email you log in with.") });

export const newPasswordForm = z.object({ password: newPassword() });

/** The storefront's password page: any text, compared in constant time by the route. */
export const storefrontPasswordForm = z.object({ password: currentPassword("Enter the password.") });

/** An invitation: accept as the signed-in account, with a new account, or by logging in to the invited one. */
export const invitationForm = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("accept") }),
    z.object({ intent: z.literal("signup"), password: newPassword() }),
    z.object({ intent: z.literal("login"), password: currentPassword("Enter your password.") }),
  ],
  { error: "Choose how to continue." },
);

/** The merchant's account page: a new password or a new email, each confirmed with the current password. */
export const accountChangeForm = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("password"), currentPassword: currentPassword("Enter your current password."), password: newPassword() }),
    z.object({ intent: z.literal("email"), currentPassword: currentPassword("Enter your current password."), email: email() }),
  ],
  { error: "Choose what to change." },
);
