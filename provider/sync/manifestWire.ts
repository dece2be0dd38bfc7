// The manifest's files in the form the inputs and the state carry them (one string, one line per
// file), and the manifest's digest: how a manifest is written down and compared, apart from how
// manifest.ts builds it from a folder (which re-exports these).
import { createHash } from "node:crypto";

/**
 * The first line of `files` as the inputs carry it (encodeFiles). It makes the text neither JSON nor
 * YAML (`@` cannot start a YAML token), so the CLI's `preview --diff` shows it as lines: the files
 * added, changed and removed, a few unchanged ones around them, and nothing else.
 */
export const FILES_FORMAT = "@files 1\n";

/**
 * The manifest's files as one string, the form the inputs and the state carry: `FILES_FORMAT`, then
 * `<path><TAB><hash> <size> <headers code>` per file, sorted by path, each line ending in `\n`
 * (paths never hold control characters). One string crosses the engine's gRPC wire as one value:
 * a map of 20,000 entries cost 0.2-0.3 s per crossing to build, encode and decode, and a run
 * crosses it several times.
 */
export function encodeFiles(files: Readonly<Record<string, string>>): string {
  const lines = Object.keys(files)
    .sort()
    .map((file) => `${file}\t${files[file]}\n`);
  return FILES_FORMAT + lines.join("");
}

/** The files of a string encodeFiles wrote (a checked input); an absent manifest (a state's outputs) has none. */
export function decodeFiles(text: string | undefined): Record<string, string> {
  const files: Record<string, string> = {};
  if (text === undefined) return files;
  for (const line of filesLines(text) ?? []) {
    const tab = line.indexOf("\t");
    files[line.slice(0, tab)] = line.slice(tab + 1);
  }
  return files;
}

/** The lines of a files string after its first, or undefined when it is not one (no first line, no final newline). */
export function filesLines(text: string): string[] | undefined {
  if (!text.startsWith(FILES_FORMAT) || !text.endsWith("\n")) return undefined;
  const body = text.slice(FILES_FORMAT.length, -1);
  return body === "" ? [] : body.split("\n");
}

/**
 * The manifest's identity: equal digests, equal manifests. Of a files string as check returns it
 * (sorted), or of the files themselves (key order aside): the same digest for the same files.
 */
export function manifestDigest(files: Readonly<Record<string, string>> | string): string {
  const hash = createHash("sha256");
  if (typeof files === "string") hash.update(files.slice(FILES_FORMAT.length));
  else for (const file of Object.keys(files).sort()) hash.update(`${file}\t${files[file]}\n`);
  return hash.digest("base64url");
}
