import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const STAMP = path.resolve("build/.inputs-sha256");
/** Files that can't change what `remix build` produces. */
const NOT_BUILD_INPUTS = /^(tests|docs|bench|\.ci)\/|\.md$/;

/** A digest of every file the build could read: the working tree's tracked and new files, outside tests and docs. */
function buildInputsDigest(): string | null {
  let files: string[];
  try {
    files = execFileSync("git", ["ls-files", "-co", "--exclude-standard", "-z"], { encoding: "utf8" }).split("\0");
  } catch {
    return null; // not a git checkout: always build
  }
  const hash = createHash("sha256");
  for (const file of files.filter((f) => f && !NOT_BUILD_INPUTS.test(f)).sort()) {
    if (!existsSync(file)) continue; // deleted but not yet staged
    hash.update(file).update("\0").update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex");
}

/**
 * Runs `remix build` unless the build on disk was made from exactly these sources: the unit and browser suites
 * each need a fresh build, and CI runs them one after the other on the same tree.
 */
export function buildAppForTests(): void {
  const digest = buildInputsDigest();
  if (digest && existsSync(STAMP) && readFileSync(STAMP, "utf8") === digest) return;
  execFileSync("npx", ["remix", "build"], { stdio: "ignore" });
  if (digest) writeFileSync(STAMP, digest);
}
