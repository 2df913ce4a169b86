import { isUniqueViolation } from "../db/errors.ts";
import type { TenantDb } from "../tenants/handle.server.ts";
import { recordAudit, type Actor } from "./audit.server.ts";
import { z } from "zod";
import { changedFields, checkVersion } from "./edit-versions.server.ts";
import { choice, editVersion, handleOf, handleText, LIMITS, multiline, problemsOf, seoDescription, seoTitle, singleLine } from "./fields.server.ts";
import { handleize } from "./handles.ts";
import { sanitizeRichText } from "./html.server.ts";
import { PAGE_SIZE, readPage } from "./product-list.server.ts";
import { isRecordId } from "./products.server.ts";

// Content pages (about, FAQ, contact…): written in the admin, shown at /pages/<handle> while published.

export type PageVisibility = "visible" | "hidden";

export interface PageInput {
  title: string;
  /** Blank: made from the title. */
  handle: string;
  /** Merchant HTML; sanitised on save. */
  bodyHtml: string;
  /** Visible pages are on the storefront and in the sitemap; hidden ones are for the merchant only. */
  visibility: PageVisibility;
  seoTitle: string;
  seoDescription: string;
}

/** Field name → message. */
export type PageErrors = Record<string, string>;

export class PageValidationError extends Error {
  constructor(readonly errors: PageErrors) {
    super(
      Object.entries(errors)
        .map(([field, message]) => `${field}: ${message}`)
        .join("; "),
    );
  }
}

const pageFields = z.object({
  title: singleLine({ required: "Give the page a title." }),
  handle: handleText(),
  bodyHtml: multiline({ max: LIMITS.longText }),
  visibility: choice(["visible", "hidden"], "Choose visible or hidden."),
  seoTitle: seoTitle(),
  seoDescription: seoDescription(),
});

/** The new page's form: what it is read with and every save is checked against. */
export const pageForm = pageFields.superRefine(handleOf);

/** A saved page's form: the same fields, and the version it was opened on. */
export const pageEditForm = pageFields.extend({ version: editVersion() }).superRefine(handleOf);

export function validatePage(input: PageInput): PageErrors {
  return problemsOf(pageForm, input);
}

const HANDLE_TAKEN = "Another page uses this handle.";

const PAGE_FIELDS = {
  title: "title",
  handle: "handle",
  body_html: "content",
  published: "visibility",
  seo_title: "page title",
  seo_description: "meta description",
} as const;

/**
 * Creates (no `pageId`) or updates a page, with its audit event in the same transaction. An update from the form
 * names the version it was opened on (`expectedVersion`): a newer saved page refuses it with StaleEditError.
 */
export async function savePage(
  db: TenantDb,
  actor: Actor,
  input: PageInput,
  pageId?: string,
  { expectedVersion }: { expectedVersion?: number } = {},
): Promise<{ id: string; handle: string }> {
  if (pageId !== undefined && !isRecordId(pageId)) throw new PageValidationError({ page: "This page no longer exists." });
  const errors = validatePage(input);
  if (Object.keys(errors).length) throw new PageValidationError(errors);
  const values = {
    title: input.title.trim(),
    handle: input.handle.trim() || handleize(input.title),
    body_html: sanitizeRichText(input.bodyHtml),
    published: input.visibility === "visible",
    seo_title: input.seoTitle.trim(),
    seo_description: input.seoDescription.trim(),
  };
  try {
    return await db.transaction().execute(async (trx) => {
      const taken = await trx
        .selectFrom("pages")
        .select("id")
        .where("handle", "=", values.handle)
        .$if(pageId !== undefined, (q) => q.where("id", "<>", pageId!))
        .executeTakeFirst();
      if (taken) throw new PageValidationError({ handle: HANDLE_TAKEN });
      let id: string;
      if (pageId) {
        const before = await trx
          .selectFrom("pages")
          .select([...(Object.keys(PAGE_FIELDS) as (keyof typeof PAGE_FIELDS)[]), "version", "updated_at"])
          .where("id", "=", pageId)
          .forUpdate()
          .executeTakeFirst();
        if (!before) throw new PageValidationError({ page: "This page no longer exists." });
        checkVersion("This page", before, expectedVersion, () => changedFields(PAGE_FIELDS, values, before));
        await trx
          .updateTable("pages")
          .set({ ...values, version: before.version + 1, updated_at: new Date() })
          .where("id", "=", pageId)
          .execute();
        id = pageId;
      } else {
        ({ id } = await trx.insertInto("pages").values(values).returning("id").executeTakeFirstOrThrow());
      }
      await recordAudit(trx, actor, {
        action: pageId ? "page.updated" : "page.created",
        subjectType: "page",
        subjectId: id,
        summary: `${values.title} (${values.published ? "visible" : "hidden"})`,
      });
      return { id, handle: values.handle };
    });
  } catch (error) {
    // Two saves racing for one handle: the second one loses at the unique index.
    if (isUniqueViolation(error, "pages_handle_key")) throw new PageValidationError({ handle: HANDLE_TAKEN });
    throw error;
  }
}

export interface PageDetail {
  id: string;
  handle: string;
  title: string;
  bodyHtml: string;
  visibility: PageVisibility;
  seoTitle: string;
  seoDescription: string;
  updatedAt: Date;
  version: number;
}

export async function getPage(db: TenantDb, id: string): Promise<PageDetail | null> {
  if (!isRecordId(id)) return null;
  const page = await db.selectFrom("pages").selectAll().where("id", "=", id).executeTakeFirst();
  if (!page) return null;
  return {
    id: page.id,
    handle: page.handle,
    title: page.title,
    bodyHtml: page.body_html,
    visibility: page.published ? "visible" : "hidden",
    seoTitle: page.seo_title,
    seoDescription: page.seo_description,
    updatedAt: page.updated_at,
    version: page.version,
  };
}

export async function deletePage(db: TenantDb, actor: Actor, id: string): Promise<boolean> {
  if (!isRecordId(id)) return false;
  return db.transaction().execute(async (trx) => {
    const deleted = await trx.deleteFrom("pages").where("id", "=", id).returning(["id", "title"]).executeTakeFirst();
    if (deleted) await recordAudit(trx, actor, { action: "page.deleted", subjectType: "page", subjectId: deleted.id, summary: deleted.title });
    return Boolean(deleted);
  });
}

export interface PageListRow {
  id: string;
  title: string;
  handle: string;
  visibility: PageVisibility;
  updatedAt: Date;
}

/** The admin's list: most recently changed first, a page of rows at a time. */
export async function listPages(db: TenantDb, params: URLSearchParams): Promise<{ pages: PageListRow[]; page: number; total: number; pageCount: number }> {
  const page = readPage(params.get("page"));
  const [{ total }, rows] = await Promise.all([
    db
      .selectFrom("pages")
      .select((eb) => eb.fn.countAll<string>().as("total"))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("pages")
      .select(["id", "title", "handle", "published", "updated_at as updatedAt"])
      .orderBy("updated_at", "desc")
      .orderBy("id", "desc")
      .limit(PAGE_SIZE)
      .offset((page - 1) * PAGE_SIZE)
      .execute(),
  ]);
  const count = Number(total);
  const pages = rows.map(({ published, ...row }): PageListRow => ({ ...row, visibility: published ? "visible" : "hidden" }));
  return { pages, page, total: count, pageCount: Math.max(1, Math.ceil(count / PAGE_SIZE)) };
}
