import { DEFAULT_THEME_ID, findThemeManifest, THEME_MANIFESTS, themeManifest } from "../themes/manifest.ts";
import { resolveThemeSettings, validateThemeSettings, type SettingsErrors, type ThemeSettings } from "../themes/settings.ts";
import type { TenantDb } from "../tenants/handle.server.ts";
import { recordAudit, type Actor } from "./audit.server.ts";
import { changedFields, checkVersion } from "./edit-versions.server.ts";

/**
 * Theme settings per shop: each theme the merchant touched has a draft (what
 * the editor changes) and a published version (what shoppers see); one theme
 * is live. A shop that never opened the editor runs the default theme with
 * its defaults.
 */

export class ThemeSettingsError extends Error {
  constructor(readonly errors: SettingsErrors) {
    super(
      Object.entries(errors)
        .map(([field, message]) => `${field}: ${message}`)
        .join("; "),
    );
  }
}

export class UnknownThemeError extends Error {}

function manifestOrThrow(themeId: string) {
  const manifest = findThemeManifest(themeId);
  if (!manifest) throw new UnknownThemeError(`No theme "${themeId}".`);
  return manifest;
}

/** What a storefront request renders: the live theme's published settings, or (previewing) a theme's draft. */
export async function storefrontTheme(
  db: TenantDb,
  preview: { themeId: string | null; draft: boolean } | null,
): Promise<{ themeId: string; settings: ThemeSettings }> {
  const live = await db.selectFrom("theme_settings").select(["theme_id", "published"]).where("is_live", "=", true).executeTakeFirst();
  const liveId = live && findThemeManifest(live.theme_id) ? live.theme_id : DEFAULT_THEME_ID;
  if (preview?.draft) {
    const themeId = preview.themeId && findThemeManifest(preview.themeId) ? preview.themeId : liveId;
    const row = await db.selectFrom("theme_settings").select(["draft", "published"]).where("theme_id", "=", themeId).executeTakeFirst();
    const manifest = themeManifest(themeId);
    return { themeId, settings: resolveThemeSettings(manifest.schema, manifest.defaults, row?.draft ?? row?.published) };
  }
  const manifest = themeManifest(liveId);
  return { themeId: liveId, settings: resolveThemeSettings(manifest.schema, manifest.defaults, live?.theme_id === liveId ? live.published : null) };
}

export interface ThemeState {
  id: string;
  name: string;
  description: string;
  live: boolean;
  publishedAt: Date | null;
  /** The draft differs from what is published. */
  unpublishedChanges: boolean;
}

/** Every installed theme with its state in this shop, the live one first. */
export async function listThemes(db: TenantDb): Promise<ThemeState[]> {
  const rows = await db.selectFrom("theme_settings").selectAll().execute();
  const byId = new Map(rows.map((r) => [r.theme_id, r]));
  const anyLive = rows.some((r) => r.is_live && findThemeManifest(r.theme_id));
  const states = THEME_MANIFESTS.map((m) => {
    const row = byId.get(m.id);
    return {
      id: m.id,
      name: m.name,
      description: m.description,
      live: row?.is_live ?? (!anyLive && m.id === DEFAULT_THEME_ID),
      publishedAt: row?.published_at ?? null,
      unpublishedChanges: Boolean(row && row.draft !== null && JSON.stringify(row.draft) !== JSON.stringify(row.published)),
    };
  });
  return states.sort((a, b) => Number(b.live) - Number(a.live));
}

/** The settings the editor shows for a theme: its draft, else what is published, else the defaults. */
export async function themeDraft(db: TenantDb, themeId: string): Promise<ThemeSettings> {
  const manifest = manifestOrThrow(themeId);
  const row = await db.selectFrom("theme_settings").select(["draft", "published"]).where("theme_id", "=", themeId).executeTakeFirst();
  return resolveThemeSettings(manifest.schema, manifest.defaults, row?.draft ?? row?.published);
}

/** The version of the theme's draft the editor opens on (1 for a theme never saved: its row starts there). */
export async function themeDraftVersion(db: TenantDb, themeId: string): Promise<number> {
  const row = await db.selectFrom("theme_settings").select("version").where("theme_id", "=", themeId).executeTakeFirst();
  return row?.version ?? 1;
}

const THEME_FIELDS: Record<keyof ThemeSettings, string> = {
  colors: "colours",
  headingFont: "heading font",
  bodyFont: "body font",
  logoWidth: "logo width",
  announcement: "announcement bar",
  sections: "home page sections",
};

/**
 * Saves the editor's settings as the theme's draft; invalid input changes nothing (ThemeSettingsError). From the
 * editor, `expectedVersion` is the draft's version it was opened on: a newer draft refuses the save (StaleEditError).
 * Returns the draft's new version.
 */
export async function saveThemeDraft(
  db: TenantDb,
  actor: Actor,
  themeId: string,
  input: unknown,
  { expectedVersion }: { expectedVersion?: number } = {},
): Promise<number> {
  const manifest = manifestOrThrow(themeId);
  const { settings, errors } = validateThemeSettings(manifest.schema, manifest.defaults, input);
  if (Object.keys(errors).length) throw new ThemeSettingsError(errors);
  return writeDraft(db, actor, themeId, settings, "theme.draft_saved", `${manifest.name}: draft saved`, (saved) =>
    checkVersion("This theme's draft", saved, expectedVersion, () =>
      changedFields(THEME_FIELDS, settings, resolveThemeSettings(manifest.schema, manifest.defaults, saved.draft ?? saved.published)),
    ),
  );
}

/** Puts the theme's defaults back into its draft (what is published is untouched until the next publish). */
export async function resetThemeDraft(db: TenantDb, actor: Actor, themeId: string): Promise<ThemeSettings> {
  const manifest = manifestOrThrow(themeId);
  await writeDraft(db, actor, themeId, manifest.defaults, "theme.draft_reset", `${manifest.name}: draft reset to defaults`);
  return manifest.defaults;
}

type DraftRow = { draft: unknown; published: unknown; version: number; updated_at: Date };

/** Writes the draft over the locked row (made first for a theme never saved, so two first saves queue on it too); raises its version. */
async function writeDraft(
  db: TenantDb,
  actor: Actor,
  themeId: string,
  settings: ThemeSettings,
  action: string,
  summary: string,
  check: (saved: DraftRow) => void = () => {},
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await trx
      .insertInto("theme_settings")
      .values({ theme_id: themeId })
      .onConflict((oc) => oc.column("theme_id").doNothing())
      .execute();
    const saved = await trx
      .selectFrom("theme_settings")
      .select(["draft", "published", "version", "updated_at"])
      .where("theme_id", "=", themeId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    check(saved);
    const { version } = await trx
      .updateTable("theme_settings")
      .set({ draft: JSON.stringify(settings), version: saved.version + 1, updated_at: new Date() })
      .where("theme_id", "=", themeId)
      .returning("version")
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, { action, subjectType: "theme", subjectId: themeId, summary });
    return version;
  });
}

/**
 * Makes the theme live with its draft (or its defaults if never edited) as the
 * published settings. The draft is validated again: a schema may have changed
 * since it was saved.
 */
export async function publishTheme(db: TenantDb, actor: Actor, themeId: string): Promise<void> {
  const manifest = manifestOrThrow(themeId);
  await db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom("theme_settings").select(["draft", "published"]).where("theme_id", "=", themeId).forUpdate().executeTakeFirst();
    const settings = resolveThemeSettings(manifest.schema, manifest.defaults, row?.draft ?? row?.published);
    const json = JSON.stringify(settings);
    await trx.updateTable("theme_settings").set({ is_live: false }).where("is_live", "=", true).where("theme_id", "<>", themeId).execute();
    const now = new Date();
    await trx
      .insertInto("theme_settings")
      .values({ theme_id: themeId, draft: json, published: json, is_live: true, published_at: now })
      .onConflict((oc) => oc.column("theme_id").doUpdateSet({ draft: json, published: json, is_live: true, published_at: now, updated_at: now }))
      .execute();
    await recordAudit(trx, actor, { action: "theme.published", subjectType: "theme", subjectId: themeId, summary: `${manifest.name} published` });
  });
}
