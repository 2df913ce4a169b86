import { Form, Link } from "@remix-run/react";
import type { PlanSummary } from "../domain.server.ts";

/**
 * The plans side by side, as the pricing page and the landing page's pricing section show them. Data comes from
 * `pricingData` (app/domain.server.ts), so the operator's edits show at once.
 */
export function PricingTable({
  plans,
  trialDays,
  current,
  subscribe,
}: {
  plans: PlanSummary[];
  trialDays: number;
  current?: string;
  /** On the admin's billing page: a button per plan that subscribes (or pays for the current plan when unpaid). */
  subscribe?: { paid: boolean };
}) {
  return (
    <ul className="pricing" aria-label="Plans">
      {plans.map((plan) => (
        <li key={plan.id} className={plan.id === current ? "pricing-plan current" : "pricing-plan"}>
          <h3>{plan.name}</h3>
          <p className="pricing-price">
            <strong>{plan.price}</strong> <span className="muted">a month</span>
          </p>
          <ul>
            <li>{plan.fee} fee on each sale</li>
            <li>{plan.products}</li>
            <li>{plan.staff}</li>
            <li>{plan.storage}</li>
            <li>{plan.pausedPrice} a month while paused</li>
          </ul>
          {current === undefined ? (
            <Link className="button" to="/signup">
              {trialDays > 0 ? `Start a ${trialDays}-day free trial` : "Open your shop"}
            </Link>
          ) : plan.id === current ? (
            <p className="status active">Your plan</p>
          ) : null}
          {subscribe && (plan.id !== current || !subscribe.paid) ? (
            <Form method="post">
              <input type="hidden" name="plan" value={plan.id} />
              <button type="submit" name="intent" value="subscribe" className={plan.id === current ? undefined : "secondary"}>
                {plan.id === current ? `Pay for ${plan.name}` : `Choose ${plan.name}`}
              </button>
            </Form>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
