import { ProductCard } from "./product-card.tsx";
import type { ProductCardData } from "./types.ts";

/** Products as the theme's cards, in a list (`.product-grid`). */
export function ProductGrid({ products, headingLevel = 3, label }: { products: ProductCardData[]; headingLevel?: 2 | 3; label?: string }) {
  return (
    <ul className="product-grid" aria-label={label}>
      {products.map((product) => (
        <li key={product.id}>
          <ProductCard product={product} headingLevel={headingLevel} />
        </li>
      ))}
    </ul>
  );
}
