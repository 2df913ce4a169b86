import { Await, useLocation } from "@remix-run/react";
import { Suspense, useEffect } from "react";
import { FormattedMessage } from "react-intl";
import { ProductGrid } from "./product-grid.tsx";
import type { ProductCardData } from "./types.ts";

interface Block {
  headingId: string;
  products: ProductCardData[];
}

/** A recommendation block from deferred loader data: the page never waits for it, and nothing shows if it fails. */
export function Recommendations({ block, id }: { block: Promise<Block> | Block; id: string }) {
  return (
    <Suspense fallback={null}>
      <Await resolve={block} errorElement={null}>
        {(resolved) =>
          resolved.products.length ? (
            <section className="related-products recommendations" aria-labelledby={id}>
              <h2 id={id}>
                <FormattedMessage id={resolved.headingId} />
              </h2>
              <ProductGrid products={resolved.products} />
            </section>
          ) : null
        }
      </Await>
    </Suspense>
  );
}

/**
 * Tells our server that the product was viewed, after the page is shown: the page itself stays the same for every
 * visitor (so the page cache can serve it), and the view is recorded by our own action, no third-party tracker.
 */
export function RecordView({ productId }: { productId: string }) {
  const { search } = useLocation();
  const view = new URLSearchParams({ productId, ref: new URLSearchParams(search).get("ref") ?? "" }).toString();
  useEffect(() => {
    fetch("/recommendations/views", { method: "POST", body: new URLSearchParams(view), credentials: "same-origin", keepalive: true }).catch(() => {});
  }, [view]);
  // Without JavaScript the page counts its view with an image instead.
  return (
    <noscript>
      <img src={`/recommendations/views?${view}`} alt="" width={1} height={1} />
    </noscript>
  );
}
