/** A plan's limit, as the code that enforces it needs it: the maximum and the plan's name for the message. */
export interface PlanLimit {
  max: number;
  planName: string;
}

/** A limit of the shop's plan reached; the message names the plan and the way up. */
export class PlanLimitError extends Error {
  constructor(
    readonly limit: "products" | "staff" | "storage",
    readonly max: number,
    readonly planName: string,
  ) {
    const what = { products: "products", staff: "staff accounts", storage: "MB of storage" }[limit];
    super(`Your ${planName} plan allows ${max.toLocaleString("en-US")} ${what}. Upgrade your plan to add more.`);
  }
}

/** The limit of a plan row, or undefined when the plan has none (null: unlimited). */
export function planLimit(plan: { name: string }, max: number | null): PlanLimit | undefined {
  return max === null ? undefined : { max, planName: plan.name };
}
