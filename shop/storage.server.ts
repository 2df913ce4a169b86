import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";

/**
 * Where media files live. Keys are slash-separated paths such as
 * `shops/12/products/3/<hash>/480.webp`; callers make them content-addressed,
 * so a key's bytes never change once written.
 */
export interface MediaStorage {
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** The stored bytes, or null when nothing is stored under the key. */
  get(key: string): Promise<Buffer | null>;
  /** Removes every object whose key starts with `prefix` (S3 semantics: a plain string prefix). */
  delete(prefix: string): Promise<void>;
  /** Every key under `folder` (which ends with "/"), at any depth, in no particular order. */
  list(folder: string): AsyncIterable<string>;
}

export interface ClosableMediaStorage extends MediaStorage {
  close(): Promise<void>;
}

// Segments of letters, digits, dots, dashes and underscores; never empty, "." or "..".
const SEGMENT = /^(?!\.{1,2}$)[A-Za-z0-9._-]+$/;

/** Refuses keys that could escape the storage root or mean something odd to a file system or S3. */
export function assertSafeKey(key: string, { prefix = false } = {}): void {
  const segments = key.split("/");
  // A prefix may end with "/" (everything under a folder); a key may not.
  if (prefix && segments.length > 1 && segments[segments.length - 1] === "") segments.pop();
  if (!key || key.length > 512 || !segments.every((s) => SEGMENT.test(s))) {
    throw new Error(`Invalid media storage key: ${JSON.stringify(key)}`);
  }
}

/** Files under a directory on the local disk; the default, for a single server. */
export class LocalDiskStorage implements ClosableMediaStorage {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  private pathOf(key: string): string {
    const file = path.resolve(this.root, ...key.split("/").filter(Boolean));
    if (!file.startsWith(this.root + path.sep)) throw new Error(`Invalid media storage key: ${JSON.stringify(key)}`);
    return file;
  }

  /** The disk keeps no content type: readers go by the key's extension. */
  async put(key: string, body: Buffer, _contentType?: string): Promise<void> {
    assertSafeKey(key);
    const file = this.pathOf(key);
    await mkdir(path.dirname(file), { recursive: true });
    // Write then rename, so a reader never sees half a file.
    const temporary = `${file}.${randomBytes(6).toString("hex")}.partial`;
    try {
      await writeFile(temporary, body);
      await rename(temporary, file);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<Buffer | null> {
    assertSafeKey(key);
    try {
      return await readFile(this.pathOf(key));
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async delete(prefix: string): Promise<void> {
    assertSafeKey(prefix, { prefix: true });
    const cut = prefix.lastIndexOf("/");
    const folder = cut < 0 ? this.root : this.pathOf(prefix.slice(0, cut));
    const start = prefix.slice(cut + 1);
    let names: string[];
    try {
      names = await readdir(folder);
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    await Promise.all(names.filter((name) => name.startsWith(start)).map((name) => rm(path.join(folder, name), { recursive: true, force: true })));
  }

  async *list(folder: string): AsyncIterable<string> {
    assertSafeKey(folder, { prefix: true });
    let entries;
    try {
      entries = await readdir(this.pathOf(folder), { recursive: true, withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    for (const entry of entries) {
      // Half-written files (see put) are not objects yet.
      if (!entry.isFile() || entry.name.endsWith(".partial")) continue;
      yield path.relative(this.root, path.join(entry.parentPath, entry.name)).split(path.sep).join("/");
    }
  }

  async close(): Promise<void> {}
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR";
}

export interface S3StorageOptions {
  bucket: string;
  /** For S3-compatible stores (MinIO, R2, …); unset means AWS. */
  endpoint?: string;
  region?: string;
  /** Unset: the AWS SDK's usual credential chain (instance role, ~/.aws, …). */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** `https://endpoint/bucket/key` instead of `https://bucket.endpoint/key`; most self-hosted stores need it. */
  forcePathStyle?: boolean;
}

/** Objects in an S3 bucket, or any store that speaks the S3 API. */
export class S3Storage implements ClosableMediaStorage {
  private readonly client: S3Client;
  readonly bucket: string;

  constructor(options: S3StorageOptions) {
    this.bucket = options.bucket;
    this.client = new S3Client({
      endpoint: options.endpoint,
      region: options.region ?? "us-east-1",
      forcePathStyle: options.forcePathStyle ?? false,
      credentials: options.accessKeyId && options.secretAccessKey ? { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey } : undefined,
      // Several S3-compatible stores reject the newer default checksum headers on uploads.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
  }

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    assertSafeKey(key);
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType, ContentLength: body.length }));
  }

  async get(key: string): Promise<Buffer | null> {
    assertSafeKey(key);
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!object.Body) return null;
      return Buffer.from(await object.Body.transformToByteArray());
    } catch (error) {
      const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (name === "NoSuchKey" || name === "NotFound" || $metadata?.httpStatusCode === 404) return null;
      throw error;
    }
  }

  async delete(prefix: string): Promise<void> {
    assertSafeKey(prefix, { prefix: true });
    // List the first page and delete it until nothing is left: deleted keys drop out of the listing, so no
    // continuation token is needed. A page holds at most 1,000 keys, which is also DeleteObjects' limit.
    let previousFirst: string | undefined;
    for (;;) {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix }));
      const keys = (page.Contents ?? []).flatMap((object) => (object.Key ? [{ Key: object.Key }] : []));
      if (!keys.length) return;
      if (keys[0].Key === previousFirst) throw new Error(`Media objects under ${prefix} were not deleted (${keys[0].Key} is still listed).`);
      previousFirst = keys[0].Key;
      const result = await this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys, Quiet: true } }));
      if (result.Errors?.length) {
        const first = result.Errors[0];
        throw new Error(`Could not delete ${result.Errors.length} media object(s), e.g. ${first.Key}: ${first.Code} ${first.Message}`);
      }
    }
  }

  async *list(folder: string): AsyncIterable<string> {
    assertSafeKey(folder, { prefix: true });
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: folder, ContinuationToken: token }));
      for (const object of page.Contents ?? []) if (object.Key) yield object.Key;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}

function flag(value: string | undefined): boolean {
  return ["1", "true", "yes"].includes((value ?? "").trim().toLowerCase());
}

/**
 * The media store the environment asks for: an S3-compatible bucket when
 * S3_BUCKET is set, otherwise files under MEDIA_DIR (default .data/media).
 */
export function mediaStorageFromEnv(env: Record<string, string | undefined> = process.env): ClosableMediaStorage {
  if (env.S3_BUCKET) {
    return new S3Storage({
      bucket: env.S3_BUCKET,
      endpoint: env.S3_ENDPOINT || undefined,
      region: env.S3_REGION || undefined,
      accessKeyId: env.S3_ACCESS_KEY_ID || undefined,
      secretAccessKey: env.S3_SECRET_ACCESS_KEY || undefined,
      forcePathStyle: flag(env.S3_FORCE_PATH_STYLE),
    });
  }
  return new LocalDiskStorage(env.MEDIA_DIR || ".data/media");
}
