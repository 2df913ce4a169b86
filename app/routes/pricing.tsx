import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { PricingTable } from "../components/pricing-table.tsx";
import { pricingData } from "../domain.server.ts";
import { requirePlatform } from "../utils/guards.server.ts";
import { PlatformBrand } from "../components/platform-header.tsx";

export const meta: MetaFunction = () => [
  { title: "Pricing · Bazaar" },
  { name: "description", content: "Bazaar's plans: a monthly price, a small fee on each sale, and a free trial to start." },
];

export async function loader({ context }: LoaderFunctionArgs) {
  requirePlatform(context);
  return pricingData(context.services.db);
}

export default function Pricing() {
  const { plans, trialDays } = useLoaderData<typeof loader>();
  return (
    <main className="wide stack">
      <PlatformBrand />
      <h1>Pricing</h1>
      <p>
        {trialDays > 0 ? `Every shop starts with a ${trialDays}-day free trial, no card needed. ` : ""}Then pick the plan that fits: a monthly price, and a fee
        on each sale that gets smaller as you grow. Change plans whenever you like.
      </p>
      <PricingTable plans={plans} trialDays={trialDays} />
    </main>
  );
}
