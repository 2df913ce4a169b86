import { expect } from "vitest";
import type { PlatformDb } from "../../db/database.server.ts";
import { createOperator, currentTotpCode } from "../../server/operator-auth.server.ts";
import { ORIGIN, PLATFORM } from "./admin-forms.ts";
import { cookiePair, type TestApp } from "./http.ts";

export const OPERATOR_PASSWORD = "operator-pass";

/** An operator account; its TOTP secret gives the codes a test logs in with. */
export function addOperator(db: PlatformDb, email = "ops@example.com") {
  return createOperator(db, { email, password: OPERATOR_PASSWORD });
}

/** Logs an operator in through /operator/login with the current code; returns the Cookie pair. */
export async function logInOperator(app: TestApp, email: string, secret: string, at = Date.now()): Promise<string> {
  const res = await app.request(PLATFORM, "/operator/login", {
    method: "POST",
    form: { email, password: OPERATOR_PASSWORD, code: currentTotpCode(secret, at) },
    headers: { origin: ORIGIN },
  });
  expect(res.status, res.body).toBe(302);
  return cookiePair(res.headers["set-cookie"], "bazaar_operator");
}

/** A new operator, logged in. */
export async function operatorSession(app: TestApp, db: PlatformDb, email = "ops@example.com"): Promise<string> {
  const { secret } = await addOperator(db, email);
  return logInOperator(app, email, secret);
}
