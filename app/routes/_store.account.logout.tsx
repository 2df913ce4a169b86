import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { clearCartCookie, endShopperSession } from "../domain.server.ts";
import { shopperContext } from "../utils/shopper.server.ts";

// /account/logout: POST only (the Origin check stops other sites); the cart stays with the account.
export async function action({ request, context }: ActionFunctionArgs) {
  const { db, secure } = await shopperContext(context, request);
  const headers = new Headers();
  headers.append("Set-Cookie", await endShopperSession(db, request.headers.get("cookie"), secure));
  headers.append("Set-Cookie", clearCartCookie(secure));
  throw redirect("/", { status: 303, headers });
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  await shopperContext(context, request);
  throw redirect("/account");
}
