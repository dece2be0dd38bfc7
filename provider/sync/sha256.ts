// The SHA-256 of a file's content, in one self-contained function: the hashing worker threads
// (parallelHash.ts) run its source text, so it may use nothing from outside its body but `require`
// and its arguments. A store that checks objects by the SHA-256 of their whole content (however
// they were uploaded) compares it with this.

/**
 * The SHA-256 of the whole file, read in blocks of at most 1 MiB so memory stays flat; base64url,
 * as the manifest keeps hashes. `_partSize` is unused: the hash does not depend on how the file is
 * uploaded (the signature is the one every hash kind's function has).
 */
export function sha256OfFile(file: string, size: number, _partSize: number): string {
  const fs = require("node:fs") as typeof import("node:fs");
  const { createHash } = require("node:crypto") as typeof import("node:crypto");
  const fd = fs.openSync(file, "r");
  try {
    const buffer = Buffer.allocUnsafe(Math.min(Math.max(size, 4096), 1024 * 1024));
    const hash = createHash("sha256");
    for (let read; (read = fs.readSync(fd, buffer, 0, buffer.length, null)) > 0;) hash.update(buffer.subarray(0, read));
    return hash.digest("base64url");
  } finally {
    fs.closeSync(fd);
  }
}
