/**
 * Storefront search in PostgreSQL alone: full text with stemming and weights (products.search_vector),
 * typo tolerance and prefix matching from the shop's vocabulary (search_words), SKU lookups, facet
 * counts and sorting. Only active products are ever returned. Schema: tenants/migrations/0007_search.ts,
 * and 0011_product_search_summary.ts for the per-product summary of variants and options it filters by.
 */
import { sql, type Expression, type ExpressionBuilder, type RawBuilder, type SqlBool } from "kysely";
import type { TenantDatabase } from "../db/types.ts";
import type { TenantDb } from "../tenants/handle.server.ts";
import {
  emptyFilters,
  SEARCH_PAGE_SIZE,
  searchTerms,
  type Availability,
  type FacetValue,
  type SearchFacets,
  type SearchFilters,
  type SearchRequest,
} from "./search.ts";

/** Fewer letters than this are never corrected: too many words are one edit away. */
const MIN_TYPO_LENGTH = 4;
/** Shopify's rule: a typo is forgiven once the first four letters are right. */
const TYPO_PREFIX = 4;
/** Alternatives searched for one misspelt term. */
const MAX_CORRECTIONS = 4;
/** Words a prefix stands for, the most common first: "swea" → sweater, sweatshirt, … */
const MAX_PREFIX_EXPANSIONS = 30;
/** The vocabulary is rebuilt at most this often, however often products change. */
const SEARCH_WORDS_MIN_INTERVAL_MS = 60 * 1000;
const MAX_FACET_VALUES = 50;
/**
 * Facets count at most this many matches (see searchFacets): enough for a query's typical
 * 1,000–2,000 matches in a 50,000-product catalogue to be counted exactly (bench/search.ts).
 */
export const FACET_SAMPLE_SIZE = 2000;
/** Best-selling figures are recomputed when older than this (see refreshProductSales). */
export const PRODUCT_SALES_MAX_AGE_MS = 10 * 60 * 1000;

export interface ResolvedTerm {
  /** As the shopper typed it (lowercased); searched stemmed, so "running" finds "runs". */
  term: string;
  /** Written without spaces between words (Chinese, Japanese, Thai) or with particles joined to them (Korean): also found inside titles (see `inTitles`). */
  unsegmented: boolean;
  /** Vocabulary words that begin with the term (predictive search's last term), matched exactly. */
  expansions: string[];
  /** Vocabulary words the term may be a typo of (only for terms the vocabulary lacks), best first. */
  corrections: string[];
}

/** A query made ready for SQL: terms with their expansions and corrections, and a possible SKU. */
export interface ResolvedQuery {
  terms: ResolvedTerm[];
  /** The whole query when it could be a SKU (one token of 3 to 64 characters), lowercased. */
  sku: string | null;
  /** Text with no word and no SKU in it ("%", "!!"): nothing can match. */
  unmatchable: boolean;
  /** The best-selling figures are due for a refresh. */
  salesStale: boolean;
  /** Only products of this set match (a collection page's filters and sorts); none: the whole catalogue. */
  within?: ProductSet;
}

/**
 * A set of products that search, its filters and its sorts can be narrowed to, such as a collection
 * (collectionProductSet in shop/collections.server.ts): membership as a condition on `products as p`, and
 * the set's own order for the "manual" ("Featured") sort.
 */
export interface ProductSet {
  contains(eb: ProductExpressions): Expression<SqlBool>;
  manualOrder(eb: ProductExpressions): Expression<unknown>;
}

export interface SearchHit {
  id: string;
  handle: string;
  title: string;
}

export interface SearchResults {
  products: SearchHit[];
  /** Products matching the query and every filter; null when not counted (see searchResults). */
  total: number | null;
  page: number;
  hasNext: boolean;
}

export interface SearchOutcome {
  results: SearchResults;
  facets: SearchFacets;
  /** "Including results for …": the query with each unknown term's best correction, if any. */
  correctedQuery: string | null;
}

// ---------------------------------------------------------------------------
// Query resolution: prefixes and typo tolerance

/**
 * Chinese, Japanese and Thai are written without spaces: PostgreSQL's parser makes "手冲咖啡壶" one word, so "咖啡"
 * would never match it, and trigram similarity is meaningless for a one- or two-character query. Korean has spaces,
 * but particles join the word before them ("커피를"), so whole words fail it the same way. A term with such characters
 * is also looked for inside titles, where a shopper expects to find it (docs/decisions/008).
 */
const UNSEGMENTED_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/u;

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

export interface Candidate {
  word: string;
  /** How many products have it. */
  products: number;
  /** Trigram similarity to the term, 0 to 1. */
  similarity: number;
}

/**
 * The corrections for a term the vocabulary lacks, from vocabulary words that look like it.
 * Shopify's rule first: every word with the same first four letters and one edit away. Failing
 * that, the single most similar word within two edits, so "cofee" still finds coffee. Most
 * similar first (whole words beat stems: "coffee" before "coffe"). Empty when nothing is close.
 */
export function chooseCorrections(term: string, candidates: Candidate[]): string[] {
  const measured = candidates
    .filter((c) => c.word !== term && c.word.length > 1 && /^[\p{L}\p{N}]+$/u.test(c.word))
    .map((c) => ({ ...c, distance: editDistance(term, c.word) }))
    .sort((x, y) => y.similarity - x.similarity || x.distance - y.distance || y.products - x.products || (x.word < y.word ? -1 : 1));
  const byRule = measured.filter((c) => term.length > TYPO_PREFIX && c.word.startsWith(term.slice(0, TYPO_PREFIX)) && c.distance <= 1);
  if (byRule.length) return byRule.slice(0, MAX_CORRECTIONS).map((c) => c.word);
  const close = measured.find((c) => c.distance <= 2);
  return close ? [close.word] : [];
}

/**
 * One term as a tsquery: the term stemmed, OR its expansions, OR (with `corrections`) its
 * corrections. Expansions are lexemes of the vocabulary, matched as they are ('simple');
 * corrections may be whole words ("coffee") or stems ("coffe"), so they are matched both ways.
 * Every word is letters and digits only, so to_tsquery reads it as one lexeme, never as operators.
 */
function termQuery(term: ResolvedTerm, { corrections }: { corrections: boolean }): RawBuilder<unknown> {
  const parts = [
    sql`to_tsquery('pg_catalog.english', ${term.term})`,
    ...term.expansions.map((word) => sql`to_tsquery('pg_catalog.simple', ${word})`),
    ...(corrections ? term.corrections.flatMap((word) => [sql`to_tsquery('pg_catalog.english', ${word})`, sql`to_tsquery('pg_catalog.simple', ${word})`]) : []),
  ];
  return sql`(${sql.join(parts, sql` || `)})`;
}

/**
 * The query's space-separated terms as one tsquery: every one must match. Null without any. Unsegmented terms are
 * matched apart (see `inTitles`) and ordered apart (see `titleRelevance`).
 */
function fullTextQuery(query: ResolvedQuery, { corrections = true } = {}): RawBuilder<unknown> | null {
  const terms = query.terms.filter((t) => !t.unsegmented);
  if (!terms.length) return null;
  return sql`(${sql.join(
    terms.map((t) => termQuery(t, { corrections })),
    sql` && `,
  )})`;
}

/**
 * An unsegmented term matches a product whose search vector has it as a word (a tag, the whole title) or whose
 * `search_title` (the title NFKC-normalised like the query, so half-width ｺｰﾋｰ is コーヒー, and lowercased; tenant
 * migration 0023) contains it anywhere. The substring test reads each active product's title: a scan of one shop's
 * catalogue, with no index to keep (costs in docs/decisions/008).
 */
function inTitles(term: ResolvedTerm): RawBuilder<SqlBool> {
  return sql<SqlBool>`(p.search_vector @@ ${termQuery(term, { corrections: false })} or strpos(p.search_title, ${term.term}) > 0)`;
}

/**
 * Relevance for an unsegmented term, which full-text rank can't give: titles that begin with it, then those with it
 * earlier, then shorter ones (fewer other words); products found only by a tag come after those with it in the title.
 */
function titleRelevance(term: ResolvedTerm): RawBuilder<unknown>[] {
  const position = sql`nullif(strpos(p.search_title, ${term.term}), 0)`;
  return [sql`${position} asc nulls last`, sql`length(p.title) asc`];
}

/** The query without corrections: ranks products with the shopper's own words above typo matches. */
function exactTextQuery(query: ResolvedQuery): RawBuilder<unknown> | null {
  return query.terms.some((t) => t.corrections.length) ? fullTextQuery(query, { corrections: false }) : null;
}

/** A SKU is one token; case doesn't matter. */
function skuCandidate(text: string): string | null {
  const trimmed = text.trim().toLowerCase();
  return trimmed.length >= 3 && trimmed.length <= 64 && !/\s/.test(trimmed) ? trimmed : null;
}

function likePrefix(text: string): string {
  return `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

const isWord = (word: string) => /^[\p{L}\p{N}]+$/u.test(word);

/**
 * Turns what the shopper typed into terms for SQL, with one query to the shop's vocabulary
 * (search_words): with `prefix` (predictive search) the last term also stands for the words it
 * begins, and a term the vocabulary lacks also searches for its corrections (chooseCorrections),
 * which costs one trigram lookup per such term. The planner estimates exact lexemes well but
 * prices GIN prefix matches ('swea':*) so high it would scan the catalogue, hence the expansion.
 * A stale vocabulary is rebuilt after this request.
 */
export async function resolveQuery(db: TenantDb, text: string, { prefix = false } = {}): Promise<ResolvedQuery> {
  const terms = searchTerms(text);
  const sku = skuCandidate(text);
  const last = terms.length - 1;

  const row = await db
    .selectFrom("search_state as st")
    .select((eb) => [
      // Saving a product bumps updated_at; max() walks the (status, updated_at) index.
      eb(
        "st.words_refreshed_at",
        "<",
        eb
          .selectFrom("products as p")
          .select((e) => e.fn.max("p.updated_at").as("updated_at"))
          .where("p.status", "=", "active"),
      ).as("words_stale"),
      sql<boolean>`st.sales_refreshed_at < now() - make_interval(secs => ${PRODUCT_SALES_MAX_AGE_MS / 1000})`.as("sales_stale"),
      ...terms.map((term, i) =>
        // Stop words count as known: to_tsquery drops them anyway.
        sql<boolean>`(numnode(to_tsquery('pg_catalog.english', ${term})) = 0 or ${eb.exists(
          eb
            .selectFrom("search_words as w")
            .select(sql.lit(1).as("one"))
            .where(sql<SqlBool>`w.word = any(tsvector_to_array(to_tsvector('pg_catalog.english', ${term}) || to_tsvector('pg_catalog.simple', ${term})))`),
        )})`.as(`known_${i}`),
      ),
      (prefix && terms.length
        ? sql<string[]>`array(${eb
            .selectFrom("search_words as w")
            .select("w.word")
            .where(sql<SqlBool>`w.word like ${likePrefix(terms[last])}`)
            .orderBy("w.products", "desc")
            .orderBy("w.word")
            .limit(MAX_PREFIX_EXPANSIONS)})`
        : sql<string[]>`'{}'::text[]`
      ).as("expansions"),
    ])
    .executeTakeFirst();
  const flags = (row ?? {}) as Record<string, unknown>;
  if (row?.words_stale) inBackground("rebuilding the search vocabulary", () => refreshSearchWords(db, { minIntervalMs: SEARCH_WORDS_MIN_INTERVAL_MS }));

  const resolved = await Promise.all(
    terms.map(async (term, i): Promise<ResolvedTerm> => {
      const expansions = prefix && i === last ? (row?.expansions ?? []).filter(isWord) : [];
      const known = flags[`known_${i}`] === true || expansions.length > 0;
      const unsegmented = UNSEGMENTED_SCRIPT.test(term);
      // An unsegmented term is found inside titles; edit distances between such "words" correct nothing.
      if (known || unsegmented || term.length < MIN_TYPO_LENGTH || /\p{N}/u.test(term)) return { term, unsegmented, expansions, corrections: [] };
      return { term, unsegmented, expansions, corrections: chooseCorrections(term, await lookalikeWords(db, term)) };
    }),
  );
  const unmatchable = !terms.length && !sku && text.trim() !== "";
  return { terms: resolved, sku, unmatchable, salesStale: row?.sales_stale === true };
}

/** Vocabulary words that look like `term` (trigram similarity of at least 0.3), most similar first. */
async function lookalikeWords(db: TenantDb, term: string): Promise<Candidate[]> {
  const rows = await db
    .selectFrom("search_words as w")
    .select(["w.word", "w.products", sql<number>`public.similarity(w.word, ${term})`.as("similarity")])
    .where(sql<SqlBool>`w.word OPERATOR(public.%) ${term}`)
    .orderBy("similarity", "desc")
    .orderBy("w.products", "desc")
    .limit(20)
    .execute();
  return rows.map((r) => ({ word: r.word, products: r.products, similarity: Number(r.similarity) }));
}

/** The query as the shopper would read it after corrections, or null if nothing was corrected. */
export function correctedQueryText(query: ResolvedQuery): string | null {
  if (!query.terms.some((t) => t.corrections.length)) return null;
  return query.terms.map((t) => t.corrections[0] ?? t.term).join(" ");
}

// ---------------------------------------------------------------------------
// Matching and filtering

type ProductScope = TenantDatabase & { p: TenantDatabase["products"] };
/** An expression builder over `products as p`. */
export type ProductExpressions = ExpressionBuilder<ProductScope, "p">;
type PB = ProductExpressions;

/** At most this many products match by SKU prefix: a prefix that broad isn't looking for a SKU. */
const MAX_SKU_MATCHES = 500;

/** Ids of products with a variant whose SKU is `sku` exactly or (with `prefix`) begins with it. */
function skuMatches(eb: PB, sku: string, { prefix }: { prefix: boolean }) {
  return eb
    .selectFrom("variants as v")
    .select("v.product_id")
    .where(prefix ? sql<SqlBool>`lower(v.sku) like ${likePrefix(sku)}` : sql<SqlBool>`lower(v.sku) = ${sku}`)
    .where("v.sku", "<>", "")
    .limit(MAX_SKU_MATCHES);
}

/**
 * Active products matching the text or the SKU (no text at all: every active product). Written so the
 * planner ORs two bitmap index scans: the full-text index and the primary key for SKU matches.
 */
function matches(eb: PB, query: ResolvedQuery): Expression<SqlBool> {
  if (query.unmatchable) return sql<SqlBool>`false`;
  const text = fullTextQuery(query);
  const unsegmented = query.terms.filter((t) => t.unsegmented).map(inTitles);
  const words = [...(text ? [sql<SqlBool>`p.search_vector @@ ${text}`] : []), ...unsegmented];
  const conditions: Expression<SqlBool>[] = [];
  if (words.length) conditions.push(eb.and(words));
  if (query.sku) conditions.push(sql<SqlBool>`p.id = any(array(${skuMatches(eb, query.sku, { prefix: true })}))`);
  const active = query.within ? eb.and([eb("p.status", "=", "active"), query.within.contains(eb)]) : eb("p.status", "=", "active");
  return conditions.length ? eb.and([active, eb.or(conditions)]) : active;
}

/** 2 for an exact SKU match, 1 for a SKU prefix match, 0 otherwise: SKU matches rank first. */
function skuRank(eb: PB, sku: string): Expression<number> {
  return sql<number>`case when p.id = any(array(${skuMatches(eb, sku, { prefix: false })})) then 2
    when p.id = any(array(${skuMatches(eb, sku, { prefix: true })})) then 1 else 0 end`;
}

/** One boolean per active filter group; a facet's counts apply every group but its own. */
interface FilterFlags {
  availability: Expression<SqlBool> | null;
  price: Expression<SqlBool> | null;
  productType: Expression<SqlBool> | null;
  vendor: Expression<SqlBool> | null;
  tags: Expression<SqlBool> | null;
  /** Same order as filters.options. */
  options: Expression<SqlBool>[];
}

/** An option value as products.option_pairs holds it (tenants/migrations/0011_product_search_summary.ts). */
const optionPair = (name: Expression<unknown>, value: Expression<unknown>) => sql<string>`pg_catalog.array_to_json(array[${name}::text, ${value}::text])::text`;

/**
 * The filter conditions over `p` and its summary of variants and options (min_price, max_price,
 * available, option_pairs: see shop/product-summary.server.ts). Within a group any value may
 * match; groups must all match.
 */
function filterFlags(eb: PB, filters: SearchFilters): FilterFlags {
  const wantsInStock = filters.availability.includes("in_stock");
  const wantsOutOfStock = filters.availability.includes("out_of_stock");
  const priceMin = filters.priceMin ?? 0;
  const priceMax = filters.priceMax ?? Number.MAX_SAFE_INTEGER;
  return {
    availability: wantsInStock === wantsOutOfStock ? null : eb("p.available", "=", wantsInStock),
    // Some variant's price in the range: the summary rules most products in or out, the variants settle the rest.
    price:
      filters.priceMin === null && filters.priceMax === null
        ? null
        : eb.and([
            eb("p.min_price", "<=", String(priceMax)),
            eb("p.max_price", ">=", String(priceMin)),
            eb.or([
              eb("p.min_price", ">=", String(priceMin)),
              eb("p.max_price", "<=", String(priceMax)),
              eb.exists(
                eb
                  .selectFrom("variants as v")
                  .select(sql.lit(1).as("one"))
                  .whereRef("v.product_id", "=", "p.id")
                  .where("v.price", ">=", String(priceMin))
                  .where("v.price", "<=", String(priceMax)),
              ),
            ]),
          ]),
    productType: filters.productTypes.length ? eb("p.product_type", "in", filters.productTypes) : null,
    vendor: filters.vendors.length ? eb("p.vendor", "in", filters.vendors) : null,
    tags: filters.tags.length ? sql<SqlBool>`p.tags && ${filters.tags}::text[]` : null,
    options: filters.options.map((option) => {
      const wanted = optionPair(sql.val(option.name), sql.ref("wanted"));
      return sql<SqlBool>`p.option_pairs && array(select ${wanted} from unnest(${option.values}::text[]) wanted)`;
    }),
  };
}

function allFlags(flags: FilterFlags): Expression<SqlBool>[] {
  const groups = [flags.availability, flags.price, flags.productType, flags.vendor, flags.tags];
  return [...groups.filter((flag): flag is Expression<SqlBool> => flag !== null), ...flags.options];
}

/** Active products matching the query. */
function matching(db: TenantDb, query: ResolvedQuery) {
  return db.selectFrom("products as p").where((eb) => matches(eb, query));
}

// ---------------------------------------------------------------------------
// Results

/**
 * One page of products matching the query and every filter, sorted. Pages are stable: every
 * order ends with the product id, so equal prices or titles never swap between pages. With
 * `count: false` the total is left to the caller (search() takes it from the facets query):
 * a window count keeps every match in memory before sorting, 12 → 20 ms for "coffee".
 */
export async function searchResults(
  db: TenantDb,
  query: ResolvedQuery,
  request: Omit<SearchRequest, "query">,
  { pageSize = SEARCH_PAGE_SIZE, count = true } = {},
): Promise<SearchResults> {
  const text = fullTextQuery(query);
  const exact = exactTextQuery(query);
  // The shopper's first Chinese, Japanese, Korean or Thai word orders what full-text rank leaves tied.
  const firstUnsegmented = query.terms.find((t) => t.unsegmented);
  const offset = (request.page - 1) * pageSize;
  // Stale-while-revalidate: this request sorts by the figures there are.
  if (request.sort === "best-selling" && query.salesStale) {
    inBackground("refreshing best-selling figures", () => refreshProductSales(db, { maxAgeMs: PRODUCT_SALES_MAX_AGE_MS }));
  }

  const filtered = () => matching(db, query).where((eb) => eb.and(allFlags(filterFlags(eb, request.filters))));
  let select = filtered().select(["p.id", "p.handle", "p.title", (count ? sql<string>`count(*) over ()` : sql<string>`null`).as("total")]);

  switch (request.sort) {
    case "manual":
      select = query.within
        ? select.orderBy((eb) => query.within!.manualOrder(eb)).orderBy("p.id", "asc")
        : select.orderBy(sql`coalesce(p.published_at, p.created_at)`, "desc").orderBy("p.id", "desc");
      break;
    case "relevance":
      if (query.sku) {
        const sku = query.sku;
        select = select.orderBy((eb) => skuRank(eb, sku), "desc");
      }
      if (exact) select = select.orderBy(sql`ts_rank(p.search_vector, ${exact})`, "desc");
      if (text) select = select.orderBy(sql`ts_rank(p.search_vector, ${text})`, "desc");
      if (firstUnsegmented) for (const key of titleRelevance(firstUnsegmented)) select = select.orderBy(key);
      if (!text && !firstUnsegmented) select = select.orderBy(sql`coalesce(p.published_at, p.created_at)`, "desc");
      select = select.orderBy("p.id", "asc");
      break;
    case "best-selling":
      select = select
        .orderBy(
          (eb) => eb.fn.coalesce(eb.selectFrom("product_sales as ps").select("ps.units_sold").whereRef("ps.product_id", "=", "p.id"), sql.lit(0)),
          "desc",
        )
        .orderBy("p.id", "asc");
      break;
    case "price-ascending":
      select = select.orderBy("p.min_price", "asc").orderBy("p.id", "asc");
      break;
    case "price-descending":
      select = select.orderBy("p.min_price", "desc").orderBy("p.id", "asc");
      break;
    case "created-descending":
      select = select.orderBy(sql`coalesce(p.published_at, p.created_at)`, "desc").orderBy("p.id", "desc");
      break;
    case "title-ascending":
      select = select.orderBy(sql`lower(p.title)`, "asc").orderBy("p.id", "asc");
      break;
    case "title-descending":
      select = select.orderBy(sql`lower(p.title)`, "desc").orderBy("p.id", "asc");
      break;
  }

  const rows = await select
    .limit(pageSize + 1)
    .offset(offset)
    .execute();
  let total: number | null = null;
  if (count && rows.length) total = Number(rows[0].total);
  else if (count) {
    // No row to carry the window count (past the last page, or nothing matches).
    total = offset
      ? Number(
          (
            await filtered()
              .select(sql<string>`count(*)`.as("n"))
              .executeTakeFirstOrThrow()
          ).n,
        )
      : 0;
  }
  return {
    products: rows.slice(0, pageSize).map((r) => ({ id: r.id, handle: r.handle, title: r.title })),
    total,
    page: request.page,
    hasNext: rows.length > pageSize,
  };
}

// ---------------------------------------------------------------------------
// Facets

/**
 * Facet counts over the products matching the query. Standard faceting: a value's count applies
 * every active filter except its own group's, so ticking "Red" doesn't zero out "Blue". One
 * statement: the matches with their summary (shop/product-summary.server.ts) and filter flags are
 * read once. Counting costs about a microsecond per match and value, so a broad query ("coffee"
 * in a big catalogue) is counted over its first `sampleSize` matches found and reported as not
 * exhaustive: the filters a shopper sees stay representative, the time stays bounded.
 */
export async function searchFacets(db: TenantDb, query: ResolvedQuery, filters: SearchFilters, { sampleSize = FACET_SAMPLE_SIZE } = {}): Promise<SearchFacets> {
  const rows = await facetRows(db, query, filters, sampleSize);

  const facets: SearchFacets = {
    exhaustive: true,
    total: 0,
    availability: { in_stock: 0, out_of_stock: 0 },
    price: { min: null, max: null },
    productTypes: [],
    vendors: [],
    tags: [],
    options: [],
  };
  const options = new Map<string, FacetValue[]>();
  const totals = { sample: 0, all: 0 };
  for (const row of rows) {
    const count = Number(row.count);
    if (row.facet === "sampled") facets.exhaustive = count <= sampleSize;
    else if (row.facet === "total") totals.sample = count;
    else if (row.facet === "total of all") totals.all = count;
    else if (row.facet === "availability") facets.availability[row.value as Availability] = count;
    else if (row.facet === "price") facets.price = count ? { min: row.name, max: row.value } : { min: null, max: null };
    else if (row.facet === "option") {
      const [name, value] = JSON.parse(row.value) as [string, string];
      options.set(name, [...(options.get(name) ?? []), { value, count }]);
    } else if (row.facet === "productType" || row.facet === "vendor" || row.facet === "tags") {
      const list = row.facet === "productType" ? facets.productTypes : row.facet === "vendor" ? facets.vendors : facets.tags;
      list.push({ value: row.value, count });
    }
  }
  facets.total = facets.exhaustive ? totals.sample : totals.all;
  const top = (list: FacetValue[]) => list.sort((a, b) => b.count - a.count || a.value.localeCompare(b.value)).slice(0, MAX_FACET_VALUES);
  facets.productTypes = top(facets.productTypes);
  facets.vendors = top(facets.vendors);
  facets.tags = top(facets.tags);
  facets.options = [...options.entries()]
    .map(([name, values]) => ({ name, values: top(values), products: values.reduce((n, v) => Math.max(n, v.count), 0) }))
    .sort((a, b) => b.products - a.products || a.name.localeCompare(b.name))
    .map(({ name, values }) => ({ name, values }));
  return facets;
}

/** The facet query's rows: one per counted value, plus the sample's size and the total. */
function facetRows(db: TenantDb, query: ResolvedQuery, filters: SearchFilters, sampleSize: number) {
  return (
    db
      // Materialized, the matches are planned as if all were read (the full-text index); the sample
      // then stops reading after its rows. A LIMIT on the scan itself would make the planner read the
      // table in order testing every row, as it prices a full-text test far below its cost: 25 ms
      // instead of 8 for 2,000 of "coffee"'s matches.
      .with(
        (cte) => cte("matches").materialized(),
        () =>
          matching(db, query).select((eb) => {
            const flags = filterFlags(eb, filters);
            const flag = (e: Expression<SqlBool> | null) => (e ? sql<boolean>`${e}` : sql<boolean>`true`);
            return [
              "p.product_type",
              "p.vendor",
              "p.tags",
              "p.min_price",
              "p.max_price",
              "p.available",
              "p.option_pairs",
              flag(flags.availability).as("f_availability"),
              flag(flags.price).as("f_price"),
              flag(flags.productType).as("f_product_type"),
              flag(flags.vendor).as("f_vendor"),
              flag(flags.tags).as("f_tags"),
              sql<boolean[]>`array[${sql.join([sql`true`, ...flags.options])}]`.as("f_options"),
            ];
          }),
      )
      // One more than the sample tells whether there were more matches.
      .with("m", (qb) =>
        qb
          .selectFrom("matches")
          .selectAll()
          .limit(sampleSize + 1),
      )
      .selectFrom("m")
      .select([sql<string>`'sampled'`.as("facet"), sql<string>`''`.as("name"), sql<string>`''`.as("value"), sql<string>`count(*)`.as("count")])
      .unionAll((qb) =>
        qb
          .selectFrom("m")
          .select([sql<string>`'total'`.as("facet"), sql<string>`''`.as("name"), sql<string>`''`.as("value"), sql<string>`count(*)`.as("count")])
          .where(sql<SqlBool>`${facetCondition(filters, null)}`),
      )
      .unionAll(
        // The sample was not every match: the total comes from all of them. The database runs
        // this part only then (otherwise it answers 0 at once); counting reads no more than it must.
        matching(db, query)
          .select([sql<string>`'total of all'`.as("facet"), sql<string>`''`.as("name"), sql<string>`''`.as("value"), sql<string>`count(*)`.as("count")])
          .where((eb) => eb.and(allFlags(filterFlags(eb, filters))))
          .where(sql<SqlBool>`(select count(*) from ${sql.table("m")}) > ${sampleSize}`),
      )
      .unionAll((qb) =>
        qb
          .selectFrom("m")
          .select([
            sql<string>`'availability'`.as("facet"),
            sql<string>`''`.as("name"),
            sql<string>`case when m.available then 'in_stock' else 'out_of_stock' end`.as("value"),
            sql<string>`count(*)`.as("count"),
          ])
          .where(sql<SqlBool>`${facetCondition(filters, "availability")}`)
          .groupBy("m.available"),
      )
      .unionAll((qb) =>
        qb
          .selectFrom("m")
          .select([
            sql<string>`'price'`.as("facet"),
            sql<string>`min(m.min_price)::text`.as("name"),
            sql<string>`max(m.max_price)::text`.as("value"),
            sql<string>`count(*)`.as("count"),
          ])
          .where(sql<SqlBool>`${facetCondition(filters, "price")}`)
          .where("m.min_price", "is not", null),
      )
      .unionAll((qb) =>
        qb
          .selectFrom("m")
          .select([sql<string>`'productType'`.as("facet"), sql<string>`''`.as("name"), "m.product_type as value", sql<string>`count(*)`.as("count")])
          .where(sql<SqlBool>`${facetCondition(filters, "productType")}`)
          .where("m.product_type", "<>", "")
          .groupBy("m.product_type"),
      )
      .unionAll((qb) =>
        qb
          .selectFrom("m")
          .select([sql<string>`'vendor'`.as("facet"), sql<string>`''`.as("name"), "m.vendor as value", sql<string>`count(*)`.as("count")])
          .where(sql<SqlBool>`${facetCondition(filters, "vendor")}`)
          .where("m.vendor", "<>", "")
          .groupBy("m.vendor"),
      )
      .unionAll((qb) =>
        qb
          .selectFrom("m")
          .crossJoin(sql<{ tag: string }>`unnest(m.tags)`.as<"t">(sql`t(tag)`))
          .select([sql<string>`'tags'`.as("facet"), sql<string>`''`.as("name"), "t.tag as value", sql<string>`count(*)`.as("count")])
          .where(sql<SqlBool>`${facetCondition(filters, "tags")}`)
          .groupBy("t.tag"),
      )
      .unionAll((qb) =>
        qb
          .selectFrom("m")
          .crossJoin(sql<{ pair: string }>`unnest(m.option_pairs)`.as<"o">(sql`o(pair)`))
          .select([sql<string>`'option'`.as("facet"), sql<string>`''`.as("name"), "o.pair as value", sql<string>`count(*)`.as("count")])
          .where(sql<SqlBool>`${optionFacetCondition(filters)}`)
          .groupBy("o.pair"),
      )
      .execute()
  );
}

const FLAG_COLUMNS = { availability: "f_availability", price: "f_price", productType: "f_product_type", vendor: "f_vendor", tags: "f_tags" } as const;

/** Over the `m` rows: every filter flag but the facet's own (null: every flag). */
function facetCondition(filters: SearchFilters, own: keyof typeof FLAG_COLUMNS | "options" | null): RawBuilder<SqlBool> {
  const parts = Object.entries(FLAG_COLUMNS)
    .filter(([group]) => group !== own)
    .map(([, column]) => sql`${sql.ref(`m.${column}`)}`);
  if (own !== "options") parts.push(...filters.options.map((_, i) => sql`m.f_options[${sql.lit(i + 2)}]`));
  return sql<SqlBool>`(${sql.join([sql`true`, ...parts], sql` and `)})`;
}

/**
 * For an option value's row (`o.pair`): every flag but that option name's own. A pair names its
 * option when it begins with the name's JSON text: `["Color",` for `["Color","Red"]`.
 */
function optionFacetCondition(filters: SearchFilters): RawBuilder<SqlBool> {
  const perOption = filters.options.map((option, i) => {
    const prefix = sql`left(${optionPair(sql.val(option.name), sql.lit(""))}, -3)`;
    return sql`(starts_with(o.pair, ${prefix}) or m.f_options[${sql.lit(i + 2)}])`;
  });
  return sql<SqlBool>`(${sql.join([facetCondition(filters, "options"), ...perOption], sql` and `)})`;
}

// ---------------------------------------------------------------------------
// Entry points

/**
 * The search page, and a collection page (`within` the collection): results and facets for one request, the two
 * queries side by side.
 *
 * @example
 *   const outcome = await search(db, request, { within: await collectionProductSet(db, collection), pageSize: 24 });
 */
export async function search(
  db: TenantDb,
  request: SearchRequest,
  { within, pageSize = SEARCH_PAGE_SIZE }: { within?: ProductSet; pageSize?: number } = {},
): Promise<SearchOutcome> {
  const query = { ...(await resolveQuery(db, request.query)), within };
  const [results, facets] = await Promise.all([searchResults(db, query, request, { count: false, pageSize }), searchFacets(db, query, request.filters)]);
  return { results: { ...results, total: facets.total }, facets, correctedQuery: correctedQueryText(query) };
}

/** As the shopper types: the best few products, the last word matching as a prefix. */
export async function predictiveSearch(db: TenantDb, text: string, limit = 6): Promise<{ products: SearchHit[]; correctedQuery: string | null }> {
  const query = await resolveQuery(db, text, { prefix: true });
  if (!query.terms.length && !query.sku) return { products: [], correctedQuery: null };
  const results = await searchResults(db, query, { filters: emptyFilters(), sort: "relevance", page: 1 }, { pageSize: limit, count: false });
  return { products: results.products, correctedQuery: correctedQueryText(query) };
}

// ---------------------------------------------------------------------------
// Best selling

/**
 * Recomputes units sold per product (orders not cancelled) into product_sales, if the last run
 * is older than `maxAgeMs`. One run per shop at a time: a second caller skips instead of waiting.
 * Readers keep seeing the previous figures until the transaction commits. Returns whether it ran.
 */
export async function refreshProductSales(db: TenantDb, { maxAgeMs = 0 } = {}): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom("search_state")
      .select("singleton")
      .where(sql<SqlBool>`sales_refreshed_at <= now() - make_interval(secs => ${maxAgeMs / 1000})`)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (!due) return false;
    await trx.deleteFrom("product_sales").execute();
    await trx
      .insertInto("product_sales")
      .columns(["product_id", "units_sold"])
      .expression(
        trx
          .selectFrom("order_lines as l")
          .innerJoin("orders as o", "o.id", "l.order_id")
          .select(["l.product_id", sql<string>`sum(l.quantity)`.as("units_sold")])
          .where("l.product_id", "is not", null)
          .where("o.cancelled_at", "is", null)
          .groupBy("l.product_id")
          .$narrowType<{ product_id: string }>(),
      )
      .execute();
    await trx
      .updateTable("search_state")
      .set({ sales_refreshed_at: sql`now()` })
      .execute();
    return true;
  });
}

/**
 * Rebuilds the shop's vocabulary from its active products' search vectors, unless it was rebuilt
 * less than `minIntervalMs` ago. One run per shop at a time: a second caller skips instead of
 * waiting. Searches keep using the previous vocabulary until the transaction commits.
 */
export async function refreshSearchWords(db: TenantDb, { minIntervalMs = 0 } = {}): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom("search_state")
      .select("singleton")
      .where(sql<SqlBool>`words_refreshed_at <= now() - make_interval(secs => ${minIntervalMs / 1000})`)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (!due) return false;
    await trx.deleteFrom("search_words").execute();
    await trx
      .insertInto("search_words")
      .columns(["word", "products"])
      .expression(
        trx
          .selectFrom("products as p")
          .crossJoin(sql<{ word: string }>`unnest(tsvector_to_array(p.search_vector))`.as<"l">(sql`l(word)`))
          .select(["l.word", sql<number>`count(*)`.as("products")])
          .where("p.status", "=", "active")
          .groupBy("l.word"),
      )
      .execute();
    // now() is when this transaction began: a product saved while it ran makes the next search rebuild again.
    await trx
      .updateTable("search_state")
      .set({ words_refreshed_at: sql`now()` })
      .execute();
    return true;
  });
}

/**
 * The vocabulary and the best-selling figures stay fresh without a scheduled job: the request
 * that notices they are stale uses what there is, and they are rebuilt after it
 * (stale-while-revalidate). Failures are logged; the next request tries again.
 */
function inBackground(what: string, work: () => Promise<unknown>): void {
  work().catch((error: unknown) => console.error(`${what} failed:`, error));
}
