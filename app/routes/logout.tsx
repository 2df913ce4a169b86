import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { requirePlatform } from "../utils/guards.server.ts";

export async function loader() {
  return redirect("/");
}

// POST only: a link or an image tag on another page can't log a merchant out.
export async function action({ context }: ActionFunctionArgs) {
  requirePlatform(context);
  if (!context.session) throw redirect("/");
  const cookie = await context.services.auth.logOut(context.session.id);
  throw redirect("/", { headers: { "Set-Cookie": cookie } });
}
