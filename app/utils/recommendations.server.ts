import type { ProductCardData } from "../components/store/types.ts";
import { productCards, relatedProducts } from "../../shop/storefront.server.ts";
import { boughtTogether, recommendedFor, type Recommended } from "../../shop/recommendations/recommendations.server.ts";
import type { TenantDb } from "../../tenants/handle.server.ts";

/** A recommendation block as a page shows it. `products` is empty when there is nothing to show. */
export interface RecommendationBlock {
  /** The heading's message id (app/locales): the page shows it in the shop's language. */
  headingId: string;
  products: ProductCardData[];
}

const BLOCK_SIZE = 4;
const EMPTY: RecommendationBlock = { headingId: "", products: [] };

/**
 * Cards for the picks, each linking with `?ref=<list>` so the view, and then the add-to-cart and the sale, are
 * attributed to the block.
 */
async function cards(db: TenantDb, picks: Recommended[]): Promise<ProductCardData[]> {
  const listOf = new Map(picks.map((p) => [p.productId, p.list]));
  return (
    await productCards(
      db,
      picks.map((p) => p.productId),
    )
  ).map((card) => ({ ...card, url: `/products/${card.handle}?ref=${listOf.get(card.id)}` }));
}

/**
 * Deferred loader data: never rejects and never waits past `budgetMs` (the config's recommendationsBudgetMs), so a
 * block can't break or slow a page.
 */
function deferred(name: string, budgetMs: number, block: () => Promise<RecommendationBlock>): Promise<RecommendationBlock> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<RecommendationBlock>((resolve) => (timer = setTimeout(() => resolve(EMPTY), budgetMs)));
  const work = block().catch((error) => {
    console.error(`recommendations (${name}) not shown:`, error);
    return EMPTY;
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** A product page's block: "Frequently bought together", else products from the same collections. */
export function productPageRecommendations(db: TenantDb, productId: string, cartProductIds: readonly string[], budgetMs: number): Promise<RecommendationBlock> {
  return deferred("product", budgetMs, async () => {
    const picks = await boughtTogether(db, productId, { exclude: cartProductIds, limit: BLOCK_SIZE });
    if (picks.some((p) => p.list === "bought_together")) return { headingId: "recommendations.boughtTogether", products: await cards(db, picks) };
    const related = await relatedProducts(db, productId, BLOCK_SIZE + cartProductIds.length);
    return { headingId: "recommendations.alsoLike", products: related.filter((p) => !cartProductIds.includes(p.id)).slice(0, BLOCK_SIZE) };
  });
}

/** The home page's and the cart's block: the shopper's own picks, or trending for a new visitor or a new shop. */
export function shopperRecommendations(
  db: TenantDb,
  shopper: { customerId?: string | null; visitorId?: string | null },
  cartProductIds: readonly string[],
  budgetMs: number,
): Promise<RecommendationBlock> {
  return deferred("shopper", budgetMs, async () => {
    const picks = await recommendedFor(db, shopper, { exclude: cartProductIds, limit: BLOCK_SIZE });
    if (!picks.length) return EMPTY;
    return {
      headingId: picks.some((p) => p.list === "for_you") ? "recommendations.forYou" : "recommendations.trending",
      products: await cards(db, picks),
    };
  });
}
