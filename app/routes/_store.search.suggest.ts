import type { LoaderFunctionArgs } from "@remix-run/node";
import type { SuggestResponse } from "../components/store/search-box.tsx";
import { predictiveSearch, productCards } from "../domain.server.ts";
import { MAX_QUERY_LENGTH } from "../../shop/search.ts";
import { requireStorefront } from "../utils/storefront.server.ts";

// GET /search/suggest?q=swea: predictive search as the shopper types (JSON for the search box).
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { db } = await requireStorefront(context, request);
  const query = (new URL(request.url).searchParams.get("q") ?? "").trim().slice(0, MAX_QUERY_LENGTH);
  const found = query ? await predictiveSearch(db, query) : { products: [], correctedQuery: null };
  const body: SuggestResponse = {
    query,
    products: await productCards(
      db,
      found.products.map((p) => p.id),
    ),
    correctedQuery: found.correctedQuery,
  };
  // Never in a shared cache: a shop behind its password page answers only those let in.
  return Response.json(body, { headers: { "Cache-Control": "private, no-store" } });
}
