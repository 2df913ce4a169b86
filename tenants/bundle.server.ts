import { createGunzip, createGzip } from "node:zlib";
import { createInterface } from "node:readline";
import { pipeline, Readable } from "node:stream";
import { sql, type Kysely, type Transaction } from "kysely";
import type { PlatformDb } from "../db/database.server.ts";
import type { PlatformDatabase, Shop } from "../db/types.ts";
import type { MediaStorage } from "../shop/storage.server.ts";
import { tenantMigrations } from "./migrations/index.ts";
import { migrateSchemaInTransaction } from "./migrator.server.ts";
import { provisionShopInTransaction, type NewShop } from "./provision.server.ts";

/**
 * A shop's whole data as one portable file (docs/decisions/022-shop-bundles.md): gzip'd JSON lines, read and
 * written one line at a time so neither side holds the shop in memory.
 *
 *   {"format":"bazaar-shop-bundle","version":1,"migrations":[…],"shop":{"slug","name"},…}   the header
 *   {"table":"products","rows":[…]}                                                          up to ROWS_PER_LINE rows
 *   {"file":"products/7/<hash>/480.webp","type":"image/webp","data":"<base64>"}              one media object
 *   {"end":true,"rows":{"products":12,…},"files":40}                                         the tally
 *
 * Rows are PostgreSQL's own `to_jsonb` of each row, so every type round-trips exactly (bigint money, timestamps,
 * arrays, jsonb); media keys are relative to the shop's folder, so a restore can put them under a new shop id.
 */
export const BUNDLE_FORMAT = "bazaar-shop-bundle";
export const BUNDLE_VERSION = 1;
/** A bundle holds every image of a shop; the largest plan stores 100 GB, but a restore through a browser stops here. */
export const MAX_BUNDLE_BYTES = 4 * 1024 ** 3;
const ROWS_PER_LINE = 500;

/**
 * Tables that are not the shop's data: sessions and throttles end with the server they were made on, and the
 * migration ledger is written by the migrator.
 */
const NOT_EXPORTED = new Set(["_migrations", "customer_sessions", "customer_login_attempts"]);

/** Thrown for a file that is not a bundle this server can restore; the message says what is wrong. */
export class BundleError extends Error {}

interface BundleHeader {
  format: typeof BUNDLE_FORMAT;
  version: number;
  exportedAt: string;
  migrations: string[];
  shop: { slug: string; name: string };
}

interface TableShape {
  name: string;
  /** Columns a row can be inserted with (generated columns are computed again). */
  columns: string[];
  /** Columns of an identity, whose sequences must continue after the restored rows. */
  identity: string[];
  /** Columns that reference this same table (a collection's parent): filled in after every row exists. */
  selfReferences: string[];
  /** Tables this one references, which must be loaded first. */
  dependsOn: string[];
  primaryKey: string[];
}

/** The shop schema's tables, parents before children. */
async function tableShapes(db: Kysely<PlatformDatabase>, schema: string): Promise<TableShape[]> {
  const { rows } = await sql<{
    name: string;
    columns: string[];
    identity: string[] | null;
    primary_key: string[] | null;
    foreign_keys: { column: string; table: string }[] | null;
  }>`
    select c.relname as name,
      array(select a.attname::text from pg_catalog.pg_attribute a
            where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
            order by a.attnum) as columns,
      array(select a.attname::text from pg_catalog.pg_attribute a where a.attrelid = c.oid and a.attidentity <> '') as identity,
      array(select a.attname::text from pg_catalog.pg_index i join pg_catalog.pg_attribute a on a.attrelid = i.indrelid and a.attnum = any (i.indkey)
            where i.indrelid = c.oid and i.indisprimary) as primary_key,
      (select json_agg(json_build_object('column', a.attname::text, 'table', r.relname::text))
         from pg_catalog.pg_constraint f
         join pg_catalog.pg_class r on r.oid = f.confrelid
         join pg_catalog.pg_attribute a on a.attrelid = f.conrelid and a.attnum = f.conkey[1]
        where f.conrelid = c.oid and f.contype = 'f') as foreign_keys
    from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname = ${schema} and c.relkind = 'r'
    order by c.relname`.execute(db);
  const shapes = rows
    .filter((r) => !NOT_EXPORTED.has(r.name))
    .map((r) => ({
      name: r.name,
      columns: r.columns,
      identity: r.identity ?? [],
      primaryKey: r.primary_key ?? [],
      selfReferences: (r.foreign_keys ?? []).filter((f) => f.table === r.name).map((f) => f.column),
      dependsOn: (r.foreign_keys ?? []).filter((f) => f.table !== r.name).map((f) => f.table),
    }));
  // Depth-first topological order; the schema's foreign keys have no cycles other than self-references.
  const byName = new Map(shapes.map((s) => [s.name, s]));
  const ordered: TableShape[] = [];
  const placed = new Set<string>();
  const place = (shape: TableShape) => {
    if (placed.has(shape.name)) return;
    placed.add(shape.name);
    for (const parent of shape.dependsOn) {
      const parentShape = byName.get(parent);
      if (parentShape) place(parentShape);
    }
    ordered.push(shape);
  };
  shapes.forEach(place);
  return ordered;
}

const CONTENT_TYPES: Record<string, string> = { avif: "image/avif", webp: "image/webp", png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg" };
const contentTypeOf = (key: string) => CONTENT_TYPES[key.split(".").at(-1)?.toLowerCase() ?? ""] ?? "application/octet-stream";
const mediaFolder = (shopId: string) => `shops/${shopId}/`;

/**
 * The lines of a shop's bundle, read in one repeatable-read snapshot so that orders and their lines, products and
 * their variants agree with each other even while the shop keeps selling.
 *
 * @example
 * for await (const line of shopBundleLines(db, storage, shop)) out.write(line);
 */
export async function* shopBundleLines(
  db: PlatformDb,
  storage: MediaStorage,
  shop: Pick<Shop, "id" | "slug" | "name" | "schema_name">,
): AsyncGenerator<string> {
  const lines: string[] = [];
  let resume: (() => void) | null = null;
  let done = false;
  let failure: unknown = null;
  let wanted = true;
  const wake = () => {
    resume?.();
    resume = null;
  };
  // The snapshot is a transaction callback that outlives no caller: it hands lines over one at a time, waits
  // while the reader is busy, and rolls back when the reader stops early (a download cancelled half-way).
  const producing = db
    .transaction()
    .setIsolationLevel("repeatable read")
    .setAccessMode("read only")
    .execute(async (trx) => {
      const push = async (line: string) => {
        lines.push(line);
        wake();
        while (lines.length > 0 && wanted) await new Promise<void>((r) => (resume = r));
        if (!wanted) throw new BundleAbandoned();
      };
      await writeBundle(trx, storage, shop, push);
    })
    .catch((error) => {
      if (!(error instanceof BundleAbandoned)) failure = error;
    })
    .finally(() => {
      done = true;
      wake();
    });
  try {
    while (true) {
      if (lines.length > 0) {
        const line = lines.shift()!;
        wake();
        yield line;
        continue;
      }
      if (done) break;
      await new Promise<void>((r) => (resume = r));
    }
    await producing;
    if (failure) throw failure;
  } finally {
    wanted = false;
    wake();
    await producing;
  }
}

class BundleAbandoned extends Error {}

async function writeBundle(
  trx: Transaction<PlatformDatabase>,
  storage: MediaStorage,
  shop: Pick<Shop, "id" | "slug" | "name" | "schema_name">,
  push: (line: string) => Promise<void>,
): Promise<void> {
  const schema = shop.schema_name;
  const applied = await sql<{ name: string }>`select name from ${sql.id(schema, "_migrations")} order by applied_at, name`.execute(trx);
  const known = new Set(applied.rows.map((r) => r.name));
  const header: BundleHeader = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    exportedAt: new Date().toISOString(),
    // In the runner's order, which is the order a restore must apply them in.
    migrations: tenantMigrations.map((m) => m.name).filter((name) => known.has(name)),
    shop: { slug: shop.slug, name: shop.name },
  };
  await push(JSON.stringify(header) + "\n");
  const tally: Record<string, number> = {};
  for (const table of await tableShapes(trx, schema)) {
    tally[table.name] = 0;
    const order = table.primaryKey.length ? table.primaryKey : table.columns.slice(0, 1);
    for (let offset = 0; ; offset += ROWS_PER_LINE) {
      const { rows } = await sql<{ row: unknown }>`
        select to_jsonb(t) as row from ${sql.id(schema, table.name)} t
        order by ${sql.join(order.map((c) => sql.ref(`t.${c}`)))}
        limit ${ROWS_PER_LINE} offset ${offset}`.execute(trx);
      if (rows.length === 0) break;
      tally[table.name] += rows.length;
      await push(JSON.stringify({ table: table.name, rows: rows.map((r) => r.row) }) + "\n");
      if (rows.length < ROWS_PER_LINE) break;
    }
  }
  let files = 0;
  const folder = mediaFolder(shop.id);
  for await (const key of storage.list(folder)) {
    const body = await storage.get(key);
    if (!body) continue;
    files++;
    await push(JSON.stringify({ file: key.slice(folder.length), type: contentTypeOf(key), data: body.toString("base64") }) + "\n");
  }
  await push(JSON.stringify({ end: true, rows: tally, files }) + "\n");
}

/**
 * The bundle as a gzip'd byte stream, for a download response.
 *
 * @example
 * return new Response(shopBundleStream(db, storage, shop), { headers: { "Content-Type": "application/gzip" } });
 */
export function shopBundleStream(db: PlatformDb, storage: MediaStorage, shop: Pick<Shop, "id" | "slug" | "name" | "schema_name">): ReadableStream<Uint8Array> {
  const gzip = createGzip();
  // pipeline, not pipe: a failure half-way must reach the reader as an error, not end the file early.
  pipeline(Readable.from(shopBundleLines(db, storage, shop)), gzip, () => {});
  return Readable.toWeb(gzip) as ReadableStream<Uint8Array>;
}

/** A download's file name: the shop's address and the day, e.g. `north-2026-12-03.bazaar.gz`. */
export function bundleFileName(shop: Pick<Shop, "slug">, now = new Date()): string {
  return `${shop.slug}-${now.toISOString().slice(0, 10)}.bazaar.gz`;
}

type BundleLine =
  | { table: string; rows: Record<string, unknown>[] }
  | { file: string; type: string; data: string }
  | { end: true; rows: Record<string, number>; files: number };

function parseLine(text: string, lineNumber: number): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new BundleError(`Line ${lineNumber} of the bundle is not valid JSON: the file is damaged or incomplete.`);
  }
}

/**
 * Restores a bundle into a NEW shop (its own id, schema and address; the bundle's shop name unless another is
 * given) in one transaction: either the whole shop
 * exists afterwards, or nothing does (media written before a failure are removed again). A bundle made by an
 * older Bazaar is loaded at its own migration level and then brought up to date by the same migrations every
 * shop ran; one from a newer Bazaar is refused.
 *
 * @example
 * const shop = await restoreShopBundle(db, storage, createReadStream(file), { slug: "north-copy", name: "North", ownerId });
 */
export async function restoreShopBundle(
  db: PlatformDb,
  storage: MediaStorage,
  gzipped: NodeJS.ReadableStream,
  target: Omit<NewShop, "name"> & { name?: string },
): Promise<Shop> {
  let shopId: string | null = null;
  const reading: { lines?: ReturnType<typeof createInterface> } = {};
  try {
    return await db.transaction().execute(async (trx) => {
      // Opened only now: readline drops the lines it reads before the loop below starts listening.
      const lines = (reading.lines = createInterface({ input: gzipped.pipe(createGunzip()), crlfDelay: Infinity }));
      let lineNumber = 0;
      let header: BundleHeader | null = null;
      let shop: Shop | null = null;
      let shapes = new Map<string, TableShape>();
      const counted: Record<string, number> = {};
      let files = 0;
      let ended = false;
      for await (const text of lines) {
        lineNumber++;
        if (ended) throw new BundleError("The bundle goes on after its last line: the file is damaged.");
        const line = parseLine(text, lineNumber);
        if (!header) {
          header = checkHeader(line);
          const known = new Map(tenantMigrations.map((m) => [m.name, m]));
          const newShop = { ...target, name: target.name || header.shop.name };
          shop = await provisionShopInTransaction(
            trx,
            newShop,
            header.migrations.map((name) => known.get(name)!),
            { spare: false },
          );
          shopId = shop.id;
          shapes = new Map((await tableShapes(trx, shop.schema_name)).map((s) => [s.name, s]));
          // The new schema's own first rows (its settings) give way to the bundle's.
          for (const shape of [...shapes.values()].reverse()) await sql`delete from ${sql.id(shop.schema_name, shape.name)}`.execute(trx);
          continue;
        }
        const entry = line as BundleLine;
        if ("table" in entry) {
          const shape = shapes.get(entry.table);
          if (!shape || !Array.isArray(entry.rows)) throw new BundleError(`The bundle has rows for "${String(entry.table)}", which this shop does not have.`);
          await insertRows(trx, shop!.schema_name, shape, entry.rows);
          counted[shape.name] = (counted[shape.name] ?? 0) + entry.rows.length;
        } else if ("file" in entry) {
          const key = mediaFolder(shop!.id) + entry.file;
          await storage.put(key, Buffer.from(entry.data, "base64"), entry.type);
          files++;
        } else if ("end" in entry && entry.end === true) {
          for (const [table, rows] of Object.entries(entry.rows)) {
            if ((counted[table] ?? 0) !== rows) throw new BundleError(`The bundle promised ${rows} rows of ${table} but held ${counted[table] ?? 0}.`);
          }
          if (files !== entry.files) throw new BundleError(`The bundle promised ${entry.files} media files but held ${files}.`);
          ended = true;
        } else {
          throw new BundleError(`Line ${lineNumber} of the bundle is neither rows, a file nor the end.`);
        }
      }
      if (!header || !shop) throw new BundleError("The file is empty.");
      if (!ended) throw new BundleError("The bundle stops before its last line: the file is incomplete.");
      await finishRestore(trx, shop, [...shapes.values()]);
      // Bring a bundle from an older Bazaar up to this one.
      await migrateSchemaInTransaction(trx, shop.schema_name, tenantMigrations);
      return shop;
    });
  } catch (error) {
    if (shopId) await storage.delete(mediaFolder(shopId));
    if (error instanceof BundleError) throw error;
    // zlib's own errors for a file that isn't gzip, or one cut short.
    if ((error as NodeJS.ErrnoException).code?.startsWith("Z_"))
      throw new BundleError("The file is not a Bazaar shop bundle (it is not gzip'd, or it is cut short).");
    throw error;
  } finally {
    reading.lines?.close();
  }
}

function checkHeader(line: unknown): BundleHeader {
  const header = line as Partial<BundleHeader> | null;
  if (!header || header.format !== BUNDLE_FORMAT) throw new BundleError("The file is not a Bazaar shop bundle.");
  if (header.version !== BUNDLE_VERSION)
    throw new BundleError(`The bundle has format version ${String(header.version)}; this server reads version ${BUNDLE_VERSION}.`);
  const names = tenantMigrations.map((m) => m.name);
  const migrations = Array.isArray(header.migrations) ? header.migrations : [];
  // Every shop schema runs the same migrations in the same order: the bundle's must be the first of ours.
  if (migrations.length === 0 || migrations.some((name, i) => names[i] !== name)) {
    throw new BundleError("The bundle was made by a newer or different version of Bazaar: update this server first.");
  }
  if (typeof header.shop?.name !== "string") throw new BundleError("The bundle's header has no shop name.");
  return header as BundleHeader;
}

/** Inserts a batch of exported rows, self-references left empty until every row of the table exists. */
async function insertRows(trx: Transaction<PlatformDatabase>, schema: string, shape: TableShape, rows: Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  const present = new Set(Object.keys(rows[0]));
  // Columns added by a later migration than the bundle's are absent and take their defaults.
  const columns = shape.columns.filter((c) => present.has(c) && !shape.selfReferences.includes(c));
  const list = sql.join(columns.map((c) => sql.id(c)));
  const overriding = shape.identity.length ? sql`overriding system value` : sql``;
  await sql`
    insert into ${sql.id(schema, shape.name)} (${list}) ${overriding}
    select ${list} from jsonb_populate_recordset(null::${sql.id(schema, shape.name)}, ${JSON.stringify(rows)}::jsonb)`.execute(trx);
  for (const column of shape.selfReferences.filter((c) => present.has(c))) {
    const key = shape.primaryKey;
    if (key.length === 0) throw new BundleError(`Table ${shape.name} refers to itself but has no primary key.`);
    await sql`
      update ${sql.id(schema, shape.name)} t set ${sql.id(column)} = r.${sql.id(column)}
      from jsonb_populate_recordset(null::${sql.id(schema, shape.name)}, ${JSON.stringify(rows)}::jsonb) r
      where ${sql.join(
        key.map((k) => sql`t.${sql.id(k)} = r.${sql.id(k)}`),
        sql` and `,
      )} and r.${sql.id(column)} is not null`.execute(trx);
  }
}

/** Identity sequences continue after the restored ids, and media keys point into the new shop's folder. */
async function finishRestore(trx: Transaction<PlatformDatabase>, shop: Shop, shapes: TableShape[]): Promise<void> {
  for (const shape of shapes) {
    for (const column of shape.identity) {
      await sql`
        select setval(pg_get_serial_sequence(${`"${shop.schema_name}"."${shape.name}"`}, ${column}),
                      coalesce((select max(${sql.id(column)}) from ${sql.id(shop.schema_name, shape.name)}), 0) + 1, false)`.execute(trx);
    }
  }
  const folder = sql.lit(`shops/${shop.id}/`);
  const anyShop = "^shops/[0-9]+/";
  await sql`update ${sql.id(shop.schema_name, "product_media")} set storage_key = regexp_replace(storage_key, ${anyShop}, ${folder})`.execute(trx);
  await sql`update ${sql.id(shop.schema_name, "settings")} set logo_key = regexp_replace(logo_key, ${anyShop}, ${folder}) where logo_key is not null`.execute(
    trx,
  );
}
