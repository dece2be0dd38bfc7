// What every cloud's folder kind (a local folder kept in a bucket under a prefix) takes alike: the
// prefix, the globs and header rules, the manifest (`files` and `headers`) and its check, and the
// manifest computed from `path` at check when the program gave none (Pulumi YAML and every language
// but the TypeScript classes give only `path`). A cloud's kind declares its inputs from these, in
// the hash kind and store profile of its store.
import { z } from "zod";
import { UNKNOWN, isUnknown, type CheckFailure, type PropertyMap } from "../resource";
import {
  FILES_FORMAT,
  MAX_KEY_BYTES,
  ManifestError,
  decodeFiles,
  encodeFiles,
  filesLines,
  manifestInputs,
  parseEntry,
  type ManifestOptions,
  type StoreProfile,
} from "./manifest";
import type { HashKind } from "./hashKinds";

export const nonEmpty = (what: string) => z.string().refine((value) => value.trim() !== "", { message: `must be ${what}, not empty` });

/** A manifest path: relative, `/`-separated, no empty, `.` or `..` segments, no control characters. */
export function isRelativePath(value: string): boolean {
  return value !== "" && !/[\\\u0000-\u001f]/.test(value) && !value.split("/").some((s) => s === "" || s === "." || s === "..");
}

/** `site`, `/site/` → `site/`; empty stays empty (the bucket's root). */
export const prefixSchema = z
  .string()
  .transform((value) => {
    const folder = value.replace(/^\/+|\/+$/g, "");
    return folder === "" ? "" : `${folder}/`;
  })
  .refine((value) => value === "" || isRelativePath(value.slice(0, -1)), {
    message: 'must be a folder path such as "site" or "tenants/abc", without empty, "." or ".." segments',
  });

/**
 * The manifest's files, as the SDK computes them (`encodeFiles`, sync/manifestWire.ts): one string of
 * `<path><TAB><hash> <size> <headers code>` lines, the hash of `kind`; `entryMessage` for a bad
 * entry. Returns the string sorted by path, so equal manifests are equal strings.
 */
export function filesSchema(kind: HashKind, entryMessage: string) {
  const form = `must be the manifest the SyncedFolder class computes (encodeFiles: a first line "${FILES_FORMAT.trim()}", then one "<path><TAB><entry>" line per file)`;
  return z.string({ error: form }).transform((text, ctx) => {
    const lines = filesLines(text);
    if (lines === undefined) {
      ctx.addIssue({ code: "custom", message: form });
      return z.NEVER;
    }
    let sorted = true;
    let previous: string | undefined;
    for (const line of lines) {
      const tab = line.indexOf("\t");
      const file = tab < 0 ? line : line.slice(0, tab);
      const problem =
        tab < 0
          ? `line "${line}" has no tab between the path and its entry`
          : !isRelativePath(file)
            ? `"${file}" is not a relative path with / separators, without empty, "." or ".." segments`
            : parseEntry(line.slice(tab + 1), kind) === undefined
              ? `"${file}": ${entryMessage}`
              : file === previous
                ? `"${file}" is listed twice`
                : undefined;
      if (problem) {
        ctx.addIssue({ code: "custom", message: problem });
        return z.NEVER;
      }
      if (previous !== undefined && file < previous) sorted = false;
      previous = file;
    }
    return sorted ? text : encodeFiles(decodeFiles(text));
  });
}

/** Headers codes → `"<content type>|<cache-control>"`; for a store without Cache-Control, `"<content type>|"`. */
export function headersSchema(cacheControl = true) {
  return z.record(
    z.string().regex(/^[A-Za-z0-9_-]{6}$/),
    cacheControl
      ? z.string().regex(/^[^|]*\|[^|\r\n]*$/, { message: 'each headers entry must be "<content type>|<cache-control>"' })
      : z.string().regex(/^[^|\r\n]+\|$/, { message: 'each headers entry must be "<content type>|" (this store keeps no Cache-Control)' }),
  );
}

export const globList = z.array(nonEmpty("a glob"));
export const globRules = z.record(z.string(), nonEmpty("a header value"));

/** The manifest's inputs, and what builds it from the others when the program gave neither. */
export interface ManifestFromPath {
  /** The inputs the manifest is read from, beside the folder's content (`path` first). */
  sources: readonly string[];
  profile: StoreProfile;
}

/**
 * The manifest, when the program gave none. A program that talks to the native plugin without the
 * TypeScript classes (Pulumi YAML, Python, Go, Java, .NET) gives only `path` and its options, so
 * check reads the folder as the classes would, a relative path against the working directory (the
 * engine starts the plugin in the program's folder, so that is where the program is). The manifest
 * joins the checked inputs, so the engine stores and diffs it exactly as one the program computed:
 * a preview lists the files added, changed and removed, and a no-change `up` sends nothing. While a
 * source is unknown (a preview), so is the manifest; that is never a failure.
 */
export function manifestFromPath(inputs: PropertyMap, failures: CheckFailure[], how: ManifestFromPath): void {
  // A manifest given but malformed, or a source that is: their failures say it already.
  const failed = new Set(failures.map((failure) => failure.property));
  if (failed.has("files") || failed.has("headers")) return;
  const given = (["files", "headers"] as const).filter((key) => inputs[key] !== undefined);
  if (given.length === 2) return;
  if (given.length === 1) {
    const [present, missing] = given[0] === "files" ? ["files", "headers"] : ["headers", "files"];
    failures.push({
      property: missing,
      reason: `is required with ${present}: give both (as the TypeScript classes compute them), or neither, and the provider computes them from path`,
    });
    return;
  }
  if (how.sources.some((key) => failed.has(key))) return;
  if (how.sources.some((key) => isUnknown(inputs[key]))) {
    inputs.files = UNKNOWN;
    inputs.headers = UNKNOWN;
    return;
  }
  // Each source is known and in the form its schema returns (path is required: a missing one failed above).
  const options = Object.fromEntries(how.sources.map((key) => [key, inputs[key]])) as unknown as ManifestOptions;
  try {
    Object.assign(inputs, manifestInputs(options, how.profile));
  } catch (err) {
    if (!(err instanceof ManifestError)) throw err;
    failures.push({ property: err.property, reason: err.reason });
  }
}

/** A `headers` table (not absent, not the unknown of a preview), as its schema returns it. */
function isTable(value: unknown): value is Record<string, string> {
  return value !== null && typeof value === "object";
}

/**
 * That a manifest holds together: every file's headers code is in `headers`, and every key (prefix
 * and path) fits the store's key limit. `store` names the store in the failure (`S3's`).
 */
export function checkManifest(inputs: PropertyMap, failures: CheckFailure[], kind: HashKind, store: string): void {
  const { files, headers, prefix } = inputs;
  if (typeof files !== "string" || isUnknown(files) || !isTable(headers)) return;
  const knownPrefix = typeof prefix === "string" && !isUnknown(prefix) ? prefix : "";
  for (const [file, value] of Object.entries(decodeFiles(files))) {
    const entry = parseEntry(value, kind);
    if (entry && headers[entry.code] === undefined) {
      failures.push({ property: "headers", reason: `has no entry "${entry.code}" that file "${file}" refers to` });
      return;
    }
    if (Buffer.byteLength(knownPrefix + file) > MAX_KEY_BYTES) {
      failures.push({ property: "files", reason: `"${knownPrefix}${file}" is longer than ${store} ${MAX_KEY_BYTES}-byte key limit` });
      return;
    }
  }
}
