import { useEffect, useRef, useState, type DragEvent } from "react";
import { useHydrated } from "../../utils/use-hydrated.ts";

/** A stored image as the editor lists it (EditorImage on the server). */
export interface StoredImage {
  id: string;
  url: string;
  alt: string;
  remove: boolean;
}

/** An image chosen in this page, saved with the product. */
export interface NewImage {
  file: File;
  alt: string;
  /** An object URL for its thumbnail, revoked when it leaves the list. */
  preview: string;
}

// Kept in step with shop/media.server.ts (a browser module can't import it): the server checks again.
const ACCEPTED = ["image/jpeg", "image/png", "image/webp", "image/avif"];
const MAX_MEGABYTES = 20;
const MAX_FILES = 10;

/** The files as the file input's FileList, so the form posts them in the list's order. */
function fileList(images: NewImage[]): FileList {
  const transfer = new DataTransfer();
  for (const image of images) transfer.items.add(image.file);
  return transfer.files;
}

function swap<T>(list: T[], from: number, to: number): T[] {
  if (to < 0 || to >= list.length) return list;
  const next = [...list];
  [next[from], next[to]] = [next[to], next[from]];
  return next;
}

/**
 * The product's images on its own page. Without JavaScript: alt text, "Remove" boxes and move buttons that go
 * through the server's draft, and a file input whose files are saved with the product. With it: a drop zone,
 * drag to reorder, and the chosen files listed with their own alt text before the first save.
 */
export function ProductImages({
  images,
  newImages,
  onNewImages,
  errors,
}: {
  images: StoredImage[];
  newImages: NewImage[];
  onNewImages: (images: NewImage[]) => void;
  errors: Record<string, string>;
}) {
  const hydrated = useHydrated();
  const [order, setOrder] = useState(images);
  const [dragged, setDragged] = useState<number | null>(null);
  const [dropping, setDropping] = useState(false);
  const [refused, setRefused] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);

  // The input is new after every round trip (the form remounts): give it the files the page keeps.
  useEffect(() => {
    if (input.current) input.current.files = fileList(newImages);
  }, [newImages]);

  function add(files: File[]) {
    const wrong = files.filter((f) => !ACCEPTED.includes(f.type) || f.size > MAX_MEGABYTES * 1024 * 1024);
    const fitting = files.filter((f) => !wrong.includes(f)).slice(0, Math.max(0, MAX_FILES - newImages.length));
    const dropped = files.length - wrong.length - fitting.length;
    setRefused(
      [
        wrong.length ? `Not added: ${wrong.map((f) => f.name).join(", ")} (use JPEG, PNG, WebP or AVIF of at most ${MAX_MEGABYTES} MB).` : "",
        dropped ? `Add at most ${MAX_FILES} images per save: ${dropped} left out.` : "",
      ]
        .filter(Boolean)
        .join(" ") || null,
    );
    onNewImages([...newImages, ...fitting.map((file) => ({ file, alt: "", preview: URL.createObjectURL(file) }))]);
  }

  function removeNew(index: number) {
    URL.revokeObjectURL(newImages[index].preview);
    onNewImages(newImages.filter((_, n) => n !== index));
  }

  function dragOver(event: DragEvent, index: number) {
    if (dragged === null || dragged === index) return;
    event.preventDefault();
    setOrder((current) => swap(current, dragged, index));
    setDragged(index);
  }

  const hint = `Drop images here or choose files: JPEG, PNG, WebP or AVIF, up to ${MAX_MEGABYTES} MB each, ${MAX_FILES} per save. The first image is the main one. Images are saved with the product.`;
  const fileError = errors.newImages ?? refused;
  return (
    <section className="card stack" aria-labelledby="images-heading">
      <h2 id="images-heading">Images</h2>
      {errors.images ? (
        <p className="error" id="images-error">
          {errors.images}
        </p>
      ) : null}
      <input type="hidden" name="imageCount" value={order.length} />
      {hydrated ? <input type="hidden" name="filesKept" value="1" /> : null}
      {order.length || newImages.length ? (
        <ol className="editor-images" aria-label="Product images">
          {order.map((image, i) => (
            <li
              key={image.id}
              className={dragged === i ? "dragging" : undefined}
              draggable={hydrated}
              onDragStart={(e) => {
                e.dataTransfer.effectAllowed = "move";
                setDragged(i);
              }}
              onDragOver={(e) => dragOver(e, i)}
              onDrop={(e) => e.preventDefault()}
              onDragEnd={() => setDragged(null)}
            >
              <input type="hidden" name={`images.${i}.id`} value={image.id} />
              <img src={image.url} alt="" width={96} height={96} />
              <div className="editor-image-fields">
                <p className="muted">{i === 0 ? "Main image" : `Image ${i + 1}`}</p>
                <label htmlFor={`images.${i}.alt`}>Alt text for image {i + 1}</label>
                <input id={`images.${i}.alt`} name={`images.${i}.alt`} defaultValue={image.alt} maxLength={512} />
                <div className="row-actions">
                  <button
                    type="submit"
                    name="intent"
                    value={`image-up:${i}`}
                    className="secondary"
                    disabled={i === 0}
                    aria-label={`Move image ${i + 1} earlier`}
                    onClick={(e) => {
                      if (!hydrated) return;
                      e.preventDefault();
                      setOrder((current) => swap(current, i, i - 1));
                    }}
                  >
                    ↑
                  </button>
                  <button
                    type="submit"
                    name="intent"
                    value={`image-down:${i}`}
                    className="secondary"
                    disabled={i === order.length - 1}
                    aria-label={`Move image ${i + 1} later`}
                    onClick={(e) => {
                      if (!hydrated) return;
                      e.preventDefault();
                      setOrder((current) => swap(current, i, i + 1));
                    }}
                  >
                    ↓
                  </button>
                  <label className="check-label">
                    <input type="checkbox" name={`images.${i}.remove`} defaultChecked={image.remove} /> Remove image {i + 1} on save
                  </label>
                </div>
              </div>
            </li>
          ))}
          {newImages.map((image, n) => (
            <li key={image.preview} className="new-image">
              <img src={image.preview} alt="" width={96} height={96} />
              <div className="editor-image-fields">
                <p className="muted">New: {image.file.name}</p>
                <label htmlFor={`newImages.${n}.alt`}>Alt text for new image {n + 1}</label>
                <input
                  id={`newImages.${n}.alt`}
                  name={`newImages.${n}.alt`}
                  value={image.alt}
                  maxLength={512}
                  onChange={(e) => onNewImages(newImages.map((m, k) => (k === n ? { ...m, alt: e.target.value } : m)))}
                />
                <div className="row-actions">
                  <button
                    type="button"
                    className="secondary"
                    disabled={n === 0}
                    aria-label={`Move new image ${n + 1} earlier`}
                    onClick={() => onNewImages(swap(newImages, n, n - 1))}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    className="secondary"
                    disabled={n === newImages.length - 1}
                    aria-label={`Move new image ${n + 1} later`}
                    onClick={() => onNewImages(swap(newImages, n, n + 1))}
                  >
                    ↓
                  </button>
                  <button type="button" className="secondary" onClick={() => removeNew(n)}>
                    Remove new image {n + 1}
                  </button>
                </div>
              </div>
            </li>
          ))}
        </ol>
      ) : null}
      <div
        className={`drop-zone${dropping ? " active" : ""}`}
        onDragOver={(e) => {
          if (!e.dataTransfer.types.includes("Files")) return;
          e.preventDefault();
          setDropping(true);
        }}
        onDragLeave={() => setDropping(false)}
        onDrop={(e) => {
          if (!e.dataTransfer.files.length) return;
          e.preventDefault();
          setDropping(false);
          add([...e.dataTransfer.files]);
        }}
      >
        <label htmlFor="newImages">Add images</label>
        <input
          ref={input}
          id="newImages"
          name="newImages"
          type="file"
          multiple
          accept={ACCEPTED.join(",")}
          aria-invalid={Boolean(fileError)}
          aria-describedby={fileError ? "newImages-error newImages-hint" : "newImages-hint"}
          onChange={(e) => {
            if (!hydrated) return;
            // The input now holds only this choice; the list holds every file chosen so far.
            add([...(e.target.files ?? [])]);
          }}
        />
        {fileError ? (
          <p className="error" id="newImages-error" role="alert">
            {fileError}
          </p>
        ) : null}
        <p className="hint" id="newImages-hint">
          {hint}
        </p>
      </div>
    </section>
  );
}
