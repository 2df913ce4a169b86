import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { HeadObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listProductImages, productImageUrl } from "../shop/media.server.ts";
import { saveProduct } from "../shop/products.server.ts";
import { LocalDiskStorage, mediaStorageFromEnv, S3Storage, type ClosableMediaStorage } from "../shop/storage.server.ts";
import { createUser } from "../tenants/accounts.server.ts";
import { tenantDb } from "../tenants/handle.server.ts";
import { provisionShop } from "../tenants/provision.server.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { cookiePair, startTestApp, type TestApp } from "./support/http.ts";
import { makeImage } from "./support/images.ts";
import { multipartBody, rawRequest } from "./support/raw-http.ts";

// A real S3-compatible server (s3rver, from npm) on a random local port, storing into a temporary folder.
const BUCKET = "bazaar-media";
const CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
let scratch: string;
let s3server: S3rver;
let endpoint: string;

beforeAll(async () => {
  scratch = mkdtempSync(path.join(os.tmpdir(), "bazaar-storage-"));
  s3server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory: path.join(scratch, "s3"), configureBuckets: [{ name: BUCKET }] });
  const { port } = await s3server.run();
  endpoint = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await s3server?.close();
  rmSync(scratch, { recursive: true, force: true });
});

function rawS3Client() {
  return new S3Client({ endpoint, region: "us-east-1", forcePathStyle: true, credentials: CREDENTIALS });
}

const implementations: [string, () => ClosableMediaStorage][] = [
  ["local disk", () => new LocalDiskStorage(mkdtempSync(path.join(scratch, "disk-")))],
  ["S3 (s3rver)", () => new S3Storage({ bucket: BUCKET, endpoint, region: "us-east-1", forcePathStyle: true, ...CREDENTIALS })],
];

describe.each(implementations)("%s storage", (_name, create) => {
  let storage: ClosableMediaStorage;
  // Each implementation gets its own key space, since both S3 runs share one bucket.
  const ns = `t${Math.random().toString(36).slice(2, 8)}`;
  beforeAll(() => {
    storage = create();
  });
  afterAll(async () => {
    await storage.close();
  });

  it("stores, returns and overwrites bytes by key", async () => {
    const bytes = Buffer.from([0, 1, 2, 255, 254, 10, 13]);
    await storage.put(`${ns}/shops/1/a/480.webp`, bytes, "image/webp");
    expect((await storage.get(`${ns}/shops/1/a/480.webp`))!.equals(bytes)).toBe(true);
    await storage.put(`${ns}/shops/1/a/480.webp`, Buffer.from("second"), "image/webp");
    expect((await storage.get(`${ns}/shops/1/a/480.webp`))!.toString()).toBe("second");
    const large = Buffer.alloc(3 * 1024 * 1024, 7);
    await storage.put(`${ns}/large.bin`, large, "application/octet-stream");
    expect((await storage.get(`${ns}/large.bin`))!.equals(large)).toBe(true);
  });

  it("returns null for a key that holds nothing", async () => {
    expect(await storage.get(`${ns}/nothing/here.webp`)).toBeNull();
    await storage.put(`${ns}/file`, Buffer.from("x"), "text/plain");
    // A key "under" a file is simply missing, not an error.
    expect(await storage.get(`${ns}/file/below`)).toBeNull();
  });

  it("deletes everything under a prefix and nothing else", async () => {
    for (const key of ["p/1/a/160.webp", "p/1/a/160.avif", "p/1/a/deep/x", "p/1/ab/160.webp", "p/2/a/160.webp"]) {
      await storage.put(`${ns}/${key}`, Buffer.from(key), "image/webp");
    }
    await storage.delete(`${ns}/p/1/a/`);
    expect(await storage.get(`${ns}/p/1/a/160.webp`)).toBeNull();
    expect(await storage.get(`${ns}/p/1/a/160.avif`)).toBeNull();
    expect(await storage.get(`${ns}/p/1/a/deep/x`)).toBeNull();
    expect((await storage.get(`${ns}/p/1/ab/160.webp`))!.toString()).toBe("p/1/ab/160.webp");
    expect((await storage.get(`${ns}/p/2/a/160.webp`))!.toString()).toBe("p/2/a/160.webp");
    // Nothing there: no error.
    await storage.delete(`${ns}/p/9/`);
    await storage.delete(`${ns}/p/1/a/`);
  });

  it("refuses keys that could escape their place", async () => {
    for (const key of ["", "/abs", "a//b", "../x", "a/../../x", "a/./b", "a\\b", "a b", "a/b/"]) {
      await expect(storage.put(key, Buffer.from("x"), "text/plain"), key).rejects.toThrow(/Invalid media storage key/);
      await expect(storage.get(key)).rejects.toThrow(/Invalid media storage key/);
    }
    for (const prefix of ["", "/", "../", "a/../"]) {
      await expect(storage.delete(prefix), prefix).rejects.toThrow(/Invalid media storage key/);
    }
  });
});

describe("local disk storage", () => {
  it("keeps files under its root, with no temporary files left behind", async () => {
    const root = mkdtempSync(path.join(scratch, "root-"));
    const storage = new LocalDiskStorage(root);
    await storage.put("shops/7/products/1/abc/160.webp", Buffer.from("img"), "image/webp");
    expect(existsSync(path.join(root, "shops/7/products/1/abc/160.webp"))).toBe(true);
    expect(readdirSync(path.join(root, "shops/7/products/1/abc"))).toEqual(["160.webp"]);
    expect(existsSync(path.join(scratch, "shops"))).toBe(false);
  });
});

describe("S3 storage", () => {
  // Not more than 1,000 keys: s3rver makes listing tokens with DES, which Node 20's OpenSSL refuses.
  it("records the content type and deletes many objects under a prefix", async () => {
    const storage = new S3Storage({ bucket: BUCKET, endpoint, forcePathStyle: true, ...CREDENTIALS });
    const client = rawS3Client();
    try {
      await storage.put("typed/160.avif", Buffer.from("avif"), "image/avif");
      const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "typed/160.avif" }));
      expect(head.ContentType).toBe("image/avif");

      const keys = Array.from({ length: 250 }, (_, i) => `many/${String(i).padStart(4, "0")}`);
      for (let i = 0; i < keys.length; i += 100) {
        await Promise.all(keys.slice(i, i + 100).map((key) => storage.put(key, Buffer.from("x"), "text/plain")));
      }
      await storage.put("many-other/keep", Buffer.from("keep"), "text/plain");
      await storage.delete("many/");
      const left = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "many" }));
      expect((left.Contents ?? []).map((o) => o.Key)).toEqual(["many-other/keep"]);
    } finally {
      client.destroy();
      await storage.close();
    }
  });

  it("reports a missing bucket instead of pretending the object is missing", async () => {
    const storage = new S3Storage({ bucket: "no-such-bucket", endpoint, forcePathStyle: true, ...CREDENTIALS });
    await expect(storage.put("a/b", Buffer.from("x"), "text/plain")).rejects.toThrow(/bucket/i);
    await storage.close();
  });
});

describe("choosing storage from the environment", () => {
  it("uses MEDIA_DIR, or .data/media, without S3_BUCKET", async () => {
    const chosen = mediaStorageFromEnv({ MEDIA_DIR: path.join(scratch, "media") });
    expect(chosen).toBeInstanceOf(LocalDiskStorage);
    expect((chosen as LocalDiskStorage).root).toBe(path.join(scratch, "media"));
    expect((mediaStorageFromEnv({}) as LocalDiskStorage).root).toBe(path.resolve(".data/media"));
  });

  it("uses the S3-compatible bucket the S3_* variables describe", async () => {
    const chosen = mediaStorageFromEnv({
      S3_BUCKET: BUCKET,
      S3_ENDPOINT: endpoint,
      S3_REGION: "eu-west-1",
      S3_ACCESS_KEY_ID: "S3RVER",
      S3_SECRET_ACCESS_KEY: "S3RVER",
      S3_FORCE_PATH_STYLE: "true",
    });
    expect(chosen).toBeInstanceOf(S3Storage);
    await chosen.put("env/check", Buffer.from("via env"), "text/plain");
    expect((await chosen.get("env/check"))!.toString()).toBe("via env");
    await chosen.close();
  });
});

describe("the app on S3-compatible storage", () => {
  let t: TestDatabase;
  let app: TestApp;
  const saved = { ...process.env };
  beforeAll(async () => {
    t = await createTestDatabase();
    Object.assign(process.env, {
      S3_BUCKET: BUCKET,
      S3_ENDPOINT: endpoint,
      S3_ACCESS_KEY_ID: "S3RVER",
      S3_SECRET_ACCESS_KEY: "S3RVER",
      S3_FORCE_PATH_STYLE: "1",
    });
    app = await startTestApp(t.url);
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
    for (const name of ["S3_BUCKET", "S3_ENDPOINT", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "S3_FORCE_PATH_STYLE"]) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it("stores an upload in the bucket under the shop's id and serves it on the shop's host", async () => {
    const owner = await createUser(t.db, { email: "owner@s3.example", password: "bucket-pass-1" });
    const shop = await provisionShop(t.db, { slug: "cloudy", name: "Cloudy", ownerId: owner.id });
    const db = tenantDb(t.db, shop.schema_name);
    const actor = { userId: owner.id, email: owner.email, ip: "" };
    const { id } = await saveProduct(db, actor, {
      title: "Umbrella",
      handle: "",
      descriptionHtml: "",
      status: "active",
      vendor: "",
      productType: "",
      tags: [],
      seoTitle: "",
      seoDescription: "",
      options: [],
      variants: [{ optionValues: [], sku: "", price: 2500, compareAtPrice: null, inventoryQuantity: 1, continueSelling: false, weightGrams: 0 }],
    });
    const login = await app.request("bazaar.test", "/login", {
      method: "POST",
      form: { email: "owner@s3.example", password: "bucket-pass-1" },
      headers: { origin: "http://bazaar.test" },
    });
    const cookie = cookiePair(login.headers["set-cookie"], "bazaar_session");

    const { body, contentType } = multipartBody({}, [
      { field: "images", filename: "umbrella.jpg", contentType: "image/jpeg", data: await makeImage("jpeg", 700, 500, 5) },
    ]);
    const res = await rawRequest(app.port, "bazaar.test", `/admin/cloudy/products/${id}/media`, {
      method: "POST",
      body,
      headers: { cookie, origin: "http://bazaar.test", "content-type": contentType },
    });
    expect(res.status).toBe(200);
    const [image] = await listProductImages(db, id);

    const client = rawS3Client();
    const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `shops/${shop.id}/` }));
    client.destroy();
    expect((listed.Contents ?? []).map((o) => o.Key).sort()).toEqual(
      [160, 480, 700].flatMap((w) => [`${image.storage_key}/${w}.avif`, `${image.storage_key}/${w}.webp`]).sort(),
    );
    const served = await rawRequest(app.port, "cloudy.shops.test", productImageUrl(image, { width: 480, format: "webp" }));
    expect(served.status).toBe(200);
    expect(served.headers["content-type"]).toBe("image/webp");
    expect(served.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect((await sharp(served.body).metadata()).width).toBe(480);
  });
});
