import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, MaxPartSizeExceededError, redirect, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { AdminErrorBoundary } from "../components/admin-error.tsx";
import { Field } from "../components/field.tsx";
import {
  ABANDONED_TRANSFER_MS,
  enqueueCatalogueImport,
  failImport,
  getTransfer,
  ImportInProgressError,
  listTransfers,
  looksLikeProductCsv,
  MAX_IMPORT_BYTES,
  queueImport,
  type CatalogueTransfer,
  type ExportReport,
  type FailedReport,
  type ImportReport,
} from "../domain.server.ts";
import styles from "../styles/transfers.css";
import { requireShopAdmin } from "../utils/guards.server.ts";

export const links = () => [{ rel: "stylesheet", href: styles }];

export const meta: MetaFunction = () => [{ title: "Import & export · Bazaar admin" }];

export const ErrorBoundary = AdminErrorBoundary;

const MAX_MEGABYTES = MAX_IMPORT_BYTES / (1024 * 1024);
const POLL_MS = 1000;

type Report = ImportReport | ExportReport | FailedReport | null;

function isActive(transfer: { status: string }) {
  return transfer.status === "queued" || transfer.status === "running";
}

/** Still underway, as opposed to unfinished because its worker was lost long ago. */
function isUnderway(transfer: CatalogueTransfer) {
  return isActive(transfer) && Date.now() - transfer.created_at.getTime() < ABANDONED_TRANSFER_MS;
}

/** One line about a transfer's outcome, for the history table. */
function outcome(transfer: CatalogueTransfer): string {
  const report = transfer.report as Report;
  if (isActive(transfer))
    return transfer.total_rows ? `${transfer.processed_rows.toLocaleString("en-US")} of ${transfer.total_rows.toLocaleString("en-US")} rows` : "Waiting";
  if (!report) return "";
  if ("error" in report) return report.error;
  if ("rows" in report) return `${report.products.toLocaleString("en-US")} products in ${report.rows.toLocaleString("en-US")} rows`;
  const problems = report.errors.length + report.unlisted;
  return `${report.created} created, ${report.updated} updated, ${report.skipped} skipped${problems ? ` (${problems} problem${problems === 1 ? "" : "s"})` : ""}`;
}

/** Dates as UTC text, so the server's and the browser's renderings agree. */
function when(date: Date | null): string {
  return date ? `${date.toISOString().slice(0, 16).replace("T", " ")} UTC` : "";
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db, shop } = await requireShopAdmin(context, request, params.shop, "catalogue");
  const requested = new URL(request.url).searchParams.get("transfer");
  const transfers = await listTransfers(db, 20);
  const featured = requested ? await getTransfer(db, requested) : (transfers.find((t) => t.kind === "import") ?? null);
  if (requested && !featured) throw new Response("Not found", { status: 404 });
  return {
    slug: shop.slug,
    maxMegabytes: MAX_MEGABYTES,
    featured: featured && {
      id: featured.id,
      kind: featured.kind,
      status: featured.status,
      fileName: featured.file_name,
      totalRows: featured.total_rows,
      processedRows: featured.processed_rows,
      report: featured.report as Report,
      underway: isUnderway(featured),
      finishedAt: when(featured.finished_at),
    },
    history: transfers.map((t) => ({
      id: t.id,
      kind: t.kind,
      status: t.status,
      fileName: t.file_name,
      createdAt: when(t.created_at),
      outcome: outcome(t),
      active: isUnderway(t),
    })),
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { db, shop, actor } = await requireShopAdmin(context, request, params.shop, "catalogue");
  const refuse = (error: string, status = 400) => data({ error }, { status });
  let form: FormData;
  try {
    form = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: MAX_IMPORT_BYTES }));
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) return refuse(`The file is larger than ${MAX_MEGABYTES} MB: split it into smaller files.`, 413);
    return refuse("Choose a CSV file to import.");
  }
  const file = form.get("file");
  // A form sent with no file chosen has one nameless, empty part.
  if (!file || typeof file === "string" || !file.size) return refuse("Choose a CSV file to import.");
  const bytes = Buffer.from(await file.arrayBuffer());
  if (!looksLikeProductCsv(bytes)) return refuse("This isn't a Shopify product CSV: its first row has no Handle column.");

  let transfer: CatalogueTransfer;
  try {
    transfer = await queueImport(db, context.services.media, actor, { shopId: shop.id, fileName: file.name, bytes });
  } catch (error) {
    if (error instanceof ImportInProgressError) return refuse(error.message, 409);
    throw error;
  }
  try {
    await enqueueCatalogueImport(context.services.jobs, { shopId: shop.id, transferId: transfer.id });
  } catch (error) {
    // Otherwise the transfer would wait forever and block the next upload.
    await failImport(db, actor, transfer, "The import couldn't be started. Please upload the file again.");
    throw error;
  }
  throw redirect(`/admin/${shop.slug}/transfers`);
}

export default function Transfers() {
  const { slug, maxMegabytes, featured, history } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const uploading = navigation.state === "submitting" && navigation.formEncType === "multipart/form-data";
  const busy = history.some((t) => t.active && t.kind === "import");

  // After an upload is accepted, clear the chosen file; after a refusal, keep it next to its error.
  const form = useRef<HTMLFormElement>(null);
  const wasUploading = useRef(false);
  useEffect(() => {
    if (uploading) wasUploading.current = true;
    else if (navigation.state === "idle" && wasUploading.current) {
      wasUploading.current = false;
      if (!actionData?.error) form.current?.reset();
    }
  }, [uploading, navigation.state, actionData]);

  // While a transfer runs, reload the data every second so the bar moves.
  const revalidator = useRevalidator();
  const polling = history.some((t) => t.active) || Boolean(featured?.underway);
  useEffect(() => {
    if (!polling || revalidator.state !== "idle") return;
    const timer = setTimeout(() => revalidator.revalidate(), POLL_MS);
    return () => clearTimeout(timer);
  }, [polling, revalidator, featured?.processedRows, featured?.status]);

  return (
    <main className="transfers">
      <div className="page-head">
        <h1>Import &amp; export</h1>
      </div>
      <div className="transfer-actions">
        <section className="card" aria-labelledby="import-heading">
          <h2 id="import-heading">Import products</h2>
          <p className="hint">
            A CSV in Shopify&rsquo;s product format, up to {maxMegabytes} MB. Rows with the same Handle make one product; a handle this shop already has updates
            that product. Images are downloaded from their Image Src addresses.
          </p>
          <Form ref={form} method="post" encType="multipart/form-data" className="stack" action={`/admin/${slug}/transfers?index`}>
            <Field label="CSV file" name="file" error={actionData?.error}>
              <input
                id="file"
                name="file"
                type="file"
                accept=".csv,text/csv"
                required
                aria-invalid={Boolean(actionData?.error)}
                aria-describedby={actionData?.error ? "file-error" : undefined}
              />
            </Field>
            <div>
              <button type="submit" disabled={uploading || busy}>
                {uploading ? "Uploading…" : "Upload and import"}
              </button>
              {busy ? <p className="hint">An import is running; you can start another when it has finished.</p> : null}
            </div>
          </Form>
        </section>
        <section className="card" aria-labelledby="export-heading">
          <h2 id="export-heading">Export products</h2>
          <p className="hint">
            Every product with its variants, prices, stock and image addresses, in the same format: ready for a spreadsheet or another shop.
          </p>
          <Form method="post" action={`/admin/${slug}/transfers/export`} reloadDocument>
            <button type="submit" className="secondary">
              Download CSV
            </button>
          </Form>
        </section>
      </div>

      {featured ? <TransferStatus slug={slug} transfer={featured} /> : null}

      {history.length ? (
        <section aria-labelledby="history-heading">
          <h2 id="history-heading">Recent imports and exports</h2>
          <div className="scroll-x">
            <table className="history">
              <thead>
                <tr>
                  <th scope="col">Started</th>
                  <th scope="col">Kind</th>
                  <th scope="col">File</th>
                  <th scope="col">Status</th>
                  <th scope="col">Result</th>
                </tr>
              </thead>
              <tbody>
                {history.map((t) => (
                  <tr key={t.id} aria-current={featured?.id === t.id ? "true" : undefined}>
                    <td>{t.createdAt}</td>
                    <td>{t.kind === "import" ? "Import" : "Export"}</td>
                    <td>{t.kind === "import" ? <Link to={`?transfer=${t.id}`}>{t.fileName}</Link> : t.fileName}</td>
                    <td>
                      <span className={`status ${t.status}`}>{t.status}</span>
                    </td>
                    <td>{t.outcome}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
    </main>
  );
}

type Featured = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["featured"]>;

function TransferStatus({ slug, transfer }: { slug: string; transfer: Featured }) {
  const { status, fileName, totalRows, processedRows } = transfer;
  const report = transfer.report;
  const active = transfer.underway;
  const abandoned = !active && (status === "queued" || status === "running");
  const title = abandoned
    ? `Import of ${fileName} did not finish`
    : status === "queued"
      ? `Waiting to import ${fileName}`
      : status === "running"
        ? `Importing ${fileName}`
        : status === "failed"
          ? `Import of ${fileName} failed`
          : `Imported ${fileName}`;
  const rows = (n: number) => n.toLocaleString("en-US");
  const counted = totalRows > 0;
  return (
    <section className="card transfer" aria-labelledby="transfer-heading">
      <h2 id="transfer-heading">{title}</h2>
      {active ? (
        <>
          {/* No value while the rows are still being counted: the bar shows as busy, not as 0 %. */}
          <progress className="progress" aria-labelledby="transfer-heading" max={counted ? totalRows : undefined} value={counted ? processedRows : undefined} />
          <p className="transfer-count" aria-live="polite">
            {status === "queued"
              ? "Waiting for a worker to pick the file up…"
              : counted
                ? `${rows(processedRows)} of ${rows(totalRows)} rows`
                : "Counting rows…"}
          </p>
          <noscript>
            <meta httpEquiv="refresh" content="2" />
          </noscript>
          <p className="hint">
            This page updates by itself.{" "}
            <Link to={`/admin/${slug}/transfers?transfer=${transfer.id}`} reloadDocument>
              Refresh
            </Link>
          </p>
        </>
      ) : null}
      {abandoned ? <p className="banner">The import stopped without finishing. Products it saved are kept; upload the file again to import the rest.</p> : null}
      {status === "failed" && report && "error" in report ? (
        <p className="banner" role="alert">
          {report.error}
        </p>
      ) : null}
      {status === "done" && report && "created" in report ? (
        <ImportResult report={report} totalRows={totalRows} finishedAt={transfer.finishedAt} slug={slug} />
      ) : null}
    </section>
  );
}

function ImportResult({ report, totalRows, finishedAt, slug }: { report: ImportReport; totalRows: number; finishedAt: string; slug: string }) {
  return (
    <>
      <progress className="progress" aria-label="Rows imported" max={Math.max(totalRows, 1)} value={Math.max(totalRows, 1)} />
      <p className="transfer-count" aria-live="polite">
        {totalRows.toLocaleString("en-US")} rows read · finished {finishedAt}
      </p>
      <ul className="tally">
        <li>
          <strong>{report.created}</strong> created
        </li>
        <li>
          <strong>{report.updated}</strong> updated
        </li>
        <li className={report.skipped ? "bad" : undefined}>
          <strong>{report.skipped}</strong> skipped
        </li>
      </ul>
      {report.imagesOverStorageLimit ? (
        <p className="banner" role="status">
          {report.imagesOverStorageLimit.toLocaleString("en-US")} {report.imagesOverStorageLimit === 1 ? "image was" : "images were"} not stored because the
          plan&apos;s storage is full; their rows are listed under Warnings. <Link to={`/admin/${slug}/billing`}>Upgrade your plan</Link>, then import the file
          again to add them.
        </p>
      ) : null}
      <IssueTable caption="Rows with errors: these products were not imported" issues={report.errors} />
      <IssueTable caption="Warnings: these products were imported, without what is described" issues={report.warnings} />
      {report.unlisted ? <p className="hint">{report.unlisted} more problems are not listed; fix the ones above and import again to see them.</p> : null}
    </>
  );
}

function IssueTable({ caption, issues }: { caption: string; issues: ImportReport["errors"] }) {
  if (!issues.length) return null;
  return (
    <div className="scroll-x">
      <table className="issues">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Line</th>
            <th scope="col">Handle</th>
            <th scope="col">Problem</th>
          </tr>
        </thead>
        <tbody>
          {issues.map((issue, i) => (
            <tr key={`${issue.line}-${i}`}>
              <td>{issue.line}</td>
              <td>{issue.handle}</td>
              <td>{issue.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
