import { useStore } from "./context.tsx";
import type { ProductCardData } from "./types.ts";

/** One product as the active theme draws it (`.product-card`). */
export function ProductCard({ product, headingLevel = 3 }: { product: ProductCardData; headingLevel?: 2 | 3 }) {
  const { theme, shop } = useStore();
  const Card = theme.components.ProductCard;
  return <Card product={product} currency={shop.currency} headingLevel={headingLevel} />;
}
