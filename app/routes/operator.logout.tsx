import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { clearOperatorCookie, endOperatorSession, logOperatorAction } from "../domain.server.ts";
import { requirePlatform } from "../utils/guards.server.ts";

export async function loader() {
  return redirect("/operator");
}

// POST only, like the merchants' logout.
export async function action({ context }: ActionFunctionArgs) {
  requirePlatform(context);
  const { operator } = context;
  if (operator) {
    await endOperatorSession(context.services.db, operator.sessionHash);
    await logOperatorAction(context.services.db, operator, { action: "operator.logout", ip: context.clientAddress });
  }
  throw redirect("/operator/login", { headers: { "Set-Cookie": clearOperatorCookie(context.services.config.production) } });
}
