import { MaxPartSizeExceededError, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData, type UploadHandler } from "@remix-run/node";
import { ImageRejectedError, MAX_IMAGE_BYTES, MAX_IMAGES_PER_UPLOAD, prepareImage, type PreparedImage } from "../domain.server.ts";

export const MAX_MEGABYTES = MAX_IMAGE_BYTES / (1024 * 1024);

class TooManyFilesError extends Error {}

/** Memory uploads that stop reading as soon as a file passes the size limit or there are too many files. */
function imageUploadHandler(): UploadHandler {
  const memory = unstable_createMemoryUploadHandler({ maxPartSize: MAX_IMAGE_BYTES });
  let files = 0;
  return async (part) => {
    if (part.filename !== undefined && ++files > MAX_IMAGES_PER_UPLOAD) throw new TooManyFilesError();
    return memory(part);
  };
}

/** A multipart form with image files, or why it can't be read (with the status to answer). */
export async function readImageForm(request: Request): Promise<{ form: FormData } | { refusal: string; status: 400 | 413 }> {
  // The whole upload is capped at the edge (server/body-limits.ts); each file here, with the message in the form.
  try {
    return { form: await unstable_parseMultipartFormData(request, imageUploadHandler()) };
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError)
      return { refusal: `An image is larger than ${MAX_MEGABYTES} MB: upload images of at most ${MAX_MEGABYTES} MB.`, status: 413 };
    if (error instanceof TooManyFilesError) return { refusal: `Upload at most ${MAX_IMAGES_PER_UPLOAD} images at a time.`, status: 413 };
    return { refusal: "The upload was cut short or malformed: please try again.", status: 400 };
  }
}

/** The files posted under `name`; a form submitted with no file chosen sends one nameless, empty part. */
export function chosenFiles(form: FormData, name: string): File[] {
  return form.getAll(name).filter((f): f is File => typeof f !== "string" && Boolean(f.name || f.size));
}

/** Checks and resizes every file before any is stored, so one bad file leaves the product as it was. */
export async function prepareFiles(files: File[]): Promise<{ prepared: PreparedImage[]; fileErrors: string[] }> {
  const prepared: PreparedImage[] = [];
  const fileErrors: string[] = [];
  for (const file of files) {
    try {
      prepared.push(await prepareImage(Buffer.from(await file.arrayBuffer())));
    } catch (error) {
      if (!(error instanceof ImageRejectedError)) throw error;
      fileErrors.push(`${file.name || "The file"}: ${error.reason}`);
    }
  }
  return { prepared, fileErrors };
}
