/** Raised after a sweep over many shops when some of them failed; the others were done. */
export class ShopSweepError extends Error {
  constructor(
    readonly task: string,
    readonly failures: { shopId: string; error: unknown }[],
  ) {
    super(
      `${task}: ${failures.length} shop(s) failed: ${failures.map((f) => `${f.shopId} (${f.error instanceof Error ? f.error.message : String(f.error)})`).join("; ")}`,
    );
  }
}

/**
 * Runs `work` for each shop in turn, so that one broken shop (a failed migration, a dropped table) never stops the
 * sweep for every shop after it. Failures are collected and thrown together at the end, so the job still shows
 * as failed and is retried.
 *
 * @example
 *   await forEachShop("purge-carts", shops, (shop) => purgeExpiredShopperRecords(tenantDb(db, shop.schema_name)));
 */
export async function forEachShop<Shop extends { id: string }>(task: string, shops: readonly Shop[], work: (shop: Shop) => Promise<unknown>): Promise<void> {
  const failures: { shopId: string; error: unknown }[] = [];
  for (const shop of shops) {
    try {
      await work(shop);
    } catch (error) {
      console.error(`${task}: shop ${shop.id} failed:`, error);
      failures.push({ shopId: shop.id, error });
    }
  }
  if (failures.length) throw new ShopSweepError(task, failures);
}
