// The ETag S3 gives a file as this package uploads it, in one self-contained function: the hashing
// worker threads (parallelHash.ts) run its source text, so it may use nothing from outside its
// body but `require` and its arguments.

/**
 * One MD5 for a single PUT (`size <= partSize`); for a multipart upload, the MD5 of the part MD5s
 * and the part count. Read in blocks of at most 1 MiB, so memory stays flat; base64url, as the
 * manifest keeps hashes.
 */
export function etagOfFile(file: string, size: number, partSize: number): string {
  const fs = require("node:fs") as typeof import("node:fs");
  const { createHash } = require("node:crypto") as typeof import("node:crypto");
  const fd = fs.openSync(file, "r");
  try {
    // One buffer per file, no larger than the file: most site files are a few KiB.
    const buffer = Buffer.allocUnsafe(Math.min(Math.max(size, 4096), 1024 * 1024));
    if (size <= partSize) {
      const whole = createHash("md5");
      for (let read; (read = fs.readSync(fd, buffer, 0, buffer.length, null)) > 0;) whole.update(buffer.subarray(0, read));
      return whole.digest("base64url");
    }
    const parts: Buffer[] = [];
    let part = createHash("md5");
    let inPart = 0;
    for (let read; (read = fs.readSync(fd, buffer, 0, buffer.length, null)) > 0;) {
      let offset = 0;
      while (offset < read) {
        const take = Math.min(read - offset, partSize - inPart);
        part.update(buffer.subarray(offset, offset + take));
        inPart += take;
        offset += take;
        if (inPart === partSize) {
          parts.push(part.digest());
          part = createHash("md5");
          inPart = 0;
        }
      }
    }
    if (inPart > 0) parts.push(part.digest());
    return `${createHash("md5").update(Buffer.concat(parts)).digest("base64url")}-${parts.length}`;
  } finally {
    fs.closeSync(fd);
  }
}
