import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useFetcher, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef, useState, type DragEvent } from "react";
import { planLimit, PlanLimitError } from "../../tenants/plan-limits.ts";
import { Field } from "../components/field.tsx";
import {
  ACCEPTED_IMAGE_TYPES,
  deleteImage,
  ImageRejectedError,
  loadProductMedia,
  MAX_IMAGES_PER_UPLOAD,
  MediaNotFoundError,
  moveImage,
  productImageSrcSet,
  productImageUrl,
  reorderImages,
  saveProductImages,
  setVariantImages,
  updateImageAlt,
  type PreparedImage,
  planOf,
} from "../domain.server.ts";
import styles from "../styles/media.css";
import { productMediaForm } from "../utils/admin-forms.server.ts";
import { readForm } from "../utils/forms.server.ts";
import { requireShopAdmin } from "../utils/guards.server.ts";
import { chosenFiles, MAX_MEGABYTES, prepareFiles, readImageForm } from "../utils/image-upload.server.ts";

export const links = () => [{ rel: "stylesheet", href: styles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Images · ${data?.product.title ?? "Product"} · Bazaar admin` }];

function notFound(): Response {
  return new Response("Not found", { status: 404 });
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db, shop } = await requireShopAdmin(context, request, params.shop, "catalogue");
  const media = await loadProductMedia(db, params.id ?? "");
  if (!media) throw notFound();
  const adminSlug = shop.slug;
  return {
    slug: shop.slug,
    product: { id: media.product.id, title: media.product.title },
    images: media.images.map((image) => ({
      id: image.id,
      alt: image.alt,
      width: image.width,
      height: image.height,
      src: productImageUrl(image, { width: 480, adminSlug }),
      srcSet: productImageSrcSet(image, { adminSlug }),
      thumb: productImageUrl(image, { width: 160, adminSlug }),
    })),
    variants: media.variants.map((v) => ({ id: v.id, title: v.option_values.join(" / ") || "Default Title", sku: v.sku, imageId: v.image_id })),
    hasOptions: media.variants.some((v) => v.option_values.length > 0),
    accept: ACCEPTED_IMAGE_TYPES.join(","),
    maxMegabytes: MAX_MEGABYTES,
    maxFiles: MAX_IMAGES_PER_UPLOAD,
  };
}

type ActionResult = { intent: string; ok?: string; error?: string; fileErrors?: string[]; imageId?: string; altError?: string };

async function upload(request: Request, add: (images: PreparedImage[]) => Promise<{ duplicate: boolean }[]>) {
  const refuse = (fileErrors: string[], status = 400) => data<ActionResult>({ intent: "upload", fileErrors }, { status });
  const read = await readImageForm(request);
  if ("refusal" in read) return refuse([read.refusal], read.status);
  const files = chosenFiles(read.form, "images");
  if (!files.length) return refuse(["Choose one or more images to upload."]);
  const { prepared, fileErrors } = await prepareFiles(files);
  if (fileErrors.length) return refuse(fileErrors);
  const results = await add(prepared);
  const added = results.filter((r) => !r.duplicate).length;
  const repeated = results.length - added;
  const parts = [added ? `${added} image${added === 1 ? "" : "s"} added.` : "", repeated ? `${repeated} already on this product.` : ""];
  return data<ActionResult>({ intent: "upload", ok: parts.filter(Boolean).join(" ") });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { db, shop, actor } = await requireShopAdmin(context, request, params.shop, "catalogue");
  // The product must be this shop's before any upload is read.
  const media = await loadProductMedia(db, params.id ?? "");
  if (!media) throw notFound();
  const productId = media.product.id;
  const storage = context.services.media;
  const plan = await planOf(context.services.db, shop);

  try {
    if ((request.headers.get("content-type") ?? "").startsWith("multipart/form-data")) {
      return await upload(request, (images) =>
        saveProductImages(
          db,
          storage,
          actor,
          productId,
          shop.id,
          images.map((image) => ({ image })),
          { storageLimit: planLimit(plan, plan.max_storage_mb) },
        ),
      );
    }
  } catch (error) {
    return refusal(error, "upload");
  }
  const parsed = await readForm(request, productMediaForm());
  if (!parsed.ok) {
    const intent = parsed.values.intent ?? "";
    const { alt, ...others } = parsed.errors;
    if (alt) return data<ActionResult>({ intent, imageId: parsed.values.imageId, altError: alt }, { status: 400 });
    return data<ActionResult>({ intent, error: Object.values(others)[0] }, { status: 400 });
  }
  const submitted = parsed.value;
  const imageId = "imageId" in submitted ? submitted.imageId : undefined;
  try {
    switch (submitted.intent) {
      case "alt":
        await updateImageAlt(db, actor, productId, submitted.imageId, submitted.alt);
        return data<ActionResult>({ intent: submitted.intent, imageId, ok: "Alt text saved." });
      case "move":
        await moveImage(db, actor, productId, submitted.imageId, submitted.direction);
        return data<ActionResult>({ intent: submitted.intent, imageId, ok: "Image moved." });
      case "reorder":
        await reorderImages(db, actor, productId, submitted.order.split(",").filter(Boolean));
        return data<ActionResult>({ intent: submitted.intent, ok: "Order saved." });
      case "delete":
        await deleteImage(db, storage, actor, productId, submitted.imageId);
        return data<ActionResult>({ intent: submitted.intent, ok: "Image deleted." });
      case "variant-images": {
        const assignments = Object.entries(submitted)
          .filter(([name]) => name.startsWith("variant-"))
          .map(([name, value]) => ({ variantId: name.slice("variant-".length), imageId: value || null }));
        const changed = await setVariantImages(db, actor, productId, assignments);
        const ok = changed ? `Images saved for ${changed} variant${changed === 1 ? "" : "s"}.` : "Nothing changed.";
        return data<ActionResult>({ intent: submitted.intent, ok });
      }
    }
  } catch (error) {
    return refusal(error, submitted.intent, imageId);
  }
}

/** Domain errors as the page shows them: unknown ids are a 404, rejected input a message next to its field. */
function refusal(error: unknown, intent: string, imageId?: string) {
  if (error instanceof MediaNotFoundError) throw notFound();
  if (error instanceof PlanLimitError) return data<ActionResult>({ intent, fileErrors: [error.message] }, { status: 403 });
  if (!(error instanceof ImageRejectedError)) throw error;
  if (error.field === "alt") return data<ActionResult>({ intent, imageId, altError: error.reason }, { status: 400 });
  if (intent === "upload") return data<ActionResult>({ intent, fileErrors: [error.reason] }, { status: 400 });
  return data<ActionResult>({ intent, error: error.reason }, { status: 400 });
}

type LoadedImage = ReturnType<typeof useLoaderData<typeof loader>>["images"][number];

export default function ProductMedia() {
  const { slug, product, images, variants, hasOptions, accept, maxMegabytes, maxFiles } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const navigation = useNavigation();
  const uploading = navigation.state === "submitting" && navigation.formEncType === "multipart/form-data";
  const uploadForm = useRef<HTMLFormElement>(null);

  useEffect(() => {
    if (result?.intent === "upload" && result.ok) uploadForm.current?.reset();
  }, [result]);

  // Drag to reorder (with JavaScript); the arrow buttons do the same without it.
  const reorder = useFetcher();
  const [order, setOrder] = useState(images.map((i) => i.id));
  const [dragged, setDragged] = useState<string | null>(null);
  useEffect(() => setOrder(images.map((i) => i.id)), [images]);
  const byId = new Map(images.map((i) => [i.id, i]));
  const shown = order.map((id) => byId.get(id)).filter((i): i is LoadedImage => Boolean(i));

  function dragOver(event: DragEvent, overId: string) {
    if (!dragged || dragged === overId) return;
    event.preventDefault();
    setOrder((current) => {
      const next = current.filter((id) => id !== dragged);
      next.splice(next.indexOf(overId) + (current.indexOf(dragged) < current.indexOf(overId) ? 1 : 0), 0, dragged);
      return next;
    });
  }
  function drop(event: DragEvent) {
    event.preventDefault();
    setDragged(null);
    if (order.join(",") !== images.map((i) => i.id).join(",")) reorder.submit({ intent: "reorder", order: order.join(",") }, { method: "post" });
  }

  const productUrl = `/admin/${slug}/products/${product.id}`;
  return (
    <main className="media-page">
      <nav aria-label="Breadcrumb" className="muted">
        <Link to={`/admin/${slug}/products`}>Products</Link> / <Link to={productUrl}>{product.title}</Link>
      </nav>
      <div className="page-head">
        <h1>Images</h1>
        <Link className="button secondary" to={productUrl}>
          Back to product
        </Link>
      </div>

      {result?.ok ? (
        <p className="flash" role="status">
          {result.ok}
        </p>
      ) : null}
      {result?.error ? (
        <p className="banner" role="alert">
          {result.error}
        </p>
      ) : null}

      <Form method="post" encType="multipart/form-data" className="card media-upload" ref={uploadForm}>
        <div>
          <label htmlFor="images">Add images</label>
          <input
            id="images"
            name="images"
            type="file"
            multiple
            accept={accept}
            aria-invalid={Boolean(result?.fileErrors)}
            aria-describedby={result?.fileErrors ? "images-error" : "images-hint"}
          />
          {result?.fileErrors ? (
            <ul className="error" id="images-error">
              {result.fileErrors.map((message) => (
                <li key={message}>{message}</li>
              ))}
            </ul>
          ) : (
            <p className="hint" id="images-hint">
              JPEG, PNG, WebP or AVIF, up to {maxMegabytes} MB each and {maxFiles} at a time.
            </p>
          )}
        </div>
        <button type="submit" disabled={uploading}>
          {uploading ? "Uploading…" : "Upload"}
        </button>
      </Form>

      {shown.length ? (
        <>
          <p className="hint">The first image is the product's main image. Drag images to reorder them, or use the arrows.</p>
          <ol className="media-grid" aria-label="Product images">
            {shown.map((image, index) => {
              const altError = result?.imageId === image.id ? result.altError : undefined;
              return (
                <li
                  key={image.id}
                  className={`card media-item${dragged === image.id ? " dragging" : ""}`}
                  onDragOver={(e) => dragOver(e, image.id)}
                  onDrop={drop}
                >
                  <figure
                    draggable
                    onDragStart={(e) => {
                      e.dataTransfer.effectAllowed = "move";
                      e.dataTransfer.setData("text/plain", image.id);
                      setDragged(image.id);
                    }}
                    onDragEnd={() => setDragged(null)}
                  >
                    <img src={image.src} srcSet={image.srcSet} sizes="14rem" width={image.width} height={image.height} alt={image.alt} />
                    <figcaption className="muted">
                      {index === 0 ? "Main image" : `Image ${index + 1}`} · {image.width} × {image.height}
                    </figcaption>
                  </figure>
                  <Form method="post" preventScrollReset className="media-alt">
                    <input type="hidden" name="intent" value="alt" />
                    <input type="hidden" name="imageId" value={image.id} />
                    <Field label="Alt text" name={`alt-${image.id}`} error={altError} hint="For screen readers and search engines.">
                      <input
                        key={image.alt}
                        id={`alt-${image.id}`}
                        name="alt"
                        defaultValue={image.alt}
                        maxLength={512}
                        aria-invalid={Boolean(altError)}
                        aria-describedby={altError ? `alt-${image.id}-error` : `alt-${image.id}-hint`}
                      />
                    </Field>
                    <button type="submit" className="secondary">
                      Save alt text
                    </button>
                  </Form>
                  <div className="media-actions">
                    <Form method="post" preventScrollReset>
                      <input type="hidden" name="intent" value="move" />
                      <input type="hidden" name="imageId" value={image.id} />
                      <button
                        type="submit"
                        name="direction"
                        value="up"
                        className="secondary"
                        disabled={index === 0}
                        aria-label={`Move image ${index + 1} earlier`}
                      >
                        ↑
                      </button>
                      <button
                        type="submit"
                        name="direction"
                        value="down"
                        className="secondary"
                        disabled={index === shown.length - 1}
                        aria-label={`Move image ${index + 1} later`}
                      >
                        ↓
                      </button>
                    </Form>
                    <Form
                      method="post"
                      preventScrollReset
                      onSubmit={(e) => {
                        if (!confirm("Delete this image? Variants that show it will have no image.")) e.preventDefault();
                      }}
                    >
                      <input type="hidden" name="intent" value="delete" />
                      <input type="hidden" name="imageId" value={image.id} />
                      <button type="submit" className="danger" aria-label={`Delete image ${index + 1}`}>
                        Delete
                      </button>
                    </Form>
                  </div>
                </li>
              );
            })}
          </ol>
        </>
      ) : (
        <p className="muted">This product has no images yet.</p>
      )}

      {hasOptions && images.length ? (
        <section className="card">
          <h2>Variant images</h2>
          <p className="hint">The image shown when a shopper picks this variant.</p>
          <Form method="post" preventScrollReset>
            <input type="hidden" name="intent" value="variant-images" />
            <div className="scroll-x">
              <table>
                <thead>
                  <tr>
                    <th>Variant</th>
                    <th>SKU</th>
                    <th>Image</th>
                  </tr>
                </thead>
                <tbody>
                  {variants.map((variant) => {
                    const current = variant.imageId ? byId.get(variant.imageId) : undefined;
                    return (
                      <tr key={variant.id}>
                        <td>
                          <label htmlFor={`variant-${variant.id}`}>{variant.title}</label>
                        </td>
                        <td>{variant.sku || <span className="muted">none</span>}</td>
                        <td>
                          <div className="variant-image">
                            {current ? <img src={current.thumb} alt="" width={40} height={40} /> : <span className="variant-image-empty" aria-hidden="true" />}
                            <select
                              id={`variant-${variant.id}`}
                              name={`variant-${variant.id}`}
                              defaultValue={variant.imageId ?? ""}
                              key={variant.imageId ?? ""}
                            >
                              <option value="">No image</option>
                              {images.map((image, n) => (
                                <option key={image.id} value={image.id}>
                                  {n === 0 ? "Main image" : `Image ${n + 1}`}
                                  {image.alt ? `: ${image.alt.slice(0, 40)}` : ""}
                                </option>
                              ))}
                            </select>
                          </div>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            <p>
              <button type="submit">Save variant images</button>
            </p>
          </Form>
        </section>
      ) : null}
    </main>
  );
}
