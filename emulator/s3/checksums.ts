// The checksums S3 verifies (`x-amz-checksum-*` headers and trailers, `Content-MD5`), all
// incremental so a streamed body is hashed as it arrives. CRC32 is node's own `zlib.crc32`; node
// has no CRC32C or CRC64/NVME, so those two are table-driven here (reflected, as S3 and the AWS
// SDKs compute them) and unit-tested against the published check values.
import { createHash, type Hash } from "node:crypto";
import * as zlib from "node:zlib";

export type ChecksumAlgorithm = "CRC32" | "CRC32C" | "CRC64NVME" | "SHA1" | "SHA256";

export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"];

/** Digest lengths in bytes, to refuse a header that cannot be a checksum of its kind. */
export const CHECKSUM_LENGTHS: Record<ChecksumAlgorithm, number> = { CRC32: 4, CRC32C: 4, CRC64NVME: 8, SHA1: 20, SHA256: 32 };

/** `x-amz-checksum-crc32` → `CRC32`; undefined for any other header name. */
export function algorithmOfHeader(name: string): ChecksumAlgorithm | undefined {
  const lower = name.toLowerCase();
  if (!lower.startsWith("x-amz-checksum-")) return undefined;
  const upper = lower.slice("x-amz-checksum-".length).toUpperCase();
  return (CHECKSUM_ALGORITHMS as readonly string[]).includes(upper) ? (upper as ChecksumAlgorithm) : undefined;
}

export function headerOfAlgorithm(algorithm: ChecksumAlgorithm): string {
  return `x-amz-checksum-${algorithm.toLowerCase()}`;
}

export function parseAlgorithm(value: string): ChecksumAlgorithm | undefined {
  const upper = value.trim().toUpperCase();
  return (CHECKSUM_ALGORITHMS as readonly string[]).includes(upper) ? (upper as ChecksumAlgorithm) : undefined;
}

export interface Hasher {
  update(data: Buffer): void;
  /** The digest in bytes (big-endian for the CRCs, as S3 encodes them before base64). */
  digest(): Buffer;
}

// --- CRC32C (Castagnoli): reflected polynomial 0x82F63B78, init and final xor 0xFFFFFFFF ---------

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32cUpdate(crc: number, data: Uint8Array): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < data.length; i++) c = CRC32C_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

// --- CRC64/NVME: reflected polynomial 0x9A6C9329AC4BC9B5, init and final xor all ones ----------
// Kept as two 32-bit halves: BigInt per byte would make a multi-MiB body take seconds.

const CRC64_LO = new Uint32Array(256);
const CRC64_HI = new Uint32Array(256);
(() => {
  const polyLo = 0xac4bc9b5;
  const polyHi = 0x9a6c9329;
  for (let n = 0; n < 256; n++) {
    let lo = n;
    let hi = 0;
    for (let k = 0; k < 8; k++) {
      const lsb = lo & 1;
      lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
      hi = hi >>> 1;
      if (lsb) {
        lo = (lo ^ polyLo) >>> 0;
        hi = (hi ^ polyHi) >>> 0;
      }
    }
    CRC64_LO[n] = lo;
    CRC64_HI[n] = hi;
  }
})();

/** State as [hi, lo] of the finalised CRC (so chaining works like `crc32cUpdate`). */
export function crc64nvmeUpdate(crc: [number, number], data: Uint8Array): [number, number] {
  let hi = ~crc[0] >>> 0;
  let lo = ~crc[1] >>> 0;
  for (let i = 0; i < data.length; i++) {
    const index = (lo ^ data[i]) & 0xff;
    const nextLo = ((lo >>> 8) | (hi << 24)) >>> 0;
    const nextHi = hi >>> 8;
    lo = (nextLo ^ CRC64_LO[index]) >>> 0;
    hi = (nextHi ^ CRC64_HI[index]) >>> 0;
  }
  return [~hi >>> 0, ~lo >>> 0];
}

function uint32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0);
  return out;
}

class Crc32Hasher implements Hasher {
  private crc = 0;
  update(data: Buffer): void {
    this.crc = zlib.crc32(data, this.crc);
  }
  digest(): Buffer {
    return uint32(this.crc);
  }
}

class Crc32cHasher implements Hasher {
  private crc = 0;
  update(data: Buffer): void {
    this.crc = crc32cUpdate(this.crc, data);
  }
  digest(): Buffer {
    return uint32(this.crc);
  }
}

class Crc64NvmeHasher implements Hasher {
  private crc: [number, number] = [0, 0];
  update(data: Buffer): void {
    this.crc = crc64nvmeUpdate(this.crc, data);
  }
  digest(): Buffer {
    const out = Buffer.alloc(8);
    out.writeUInt32BE(this.crc[0], 0);
    out.writeUInt32BE(this.crc[1], 4);
    return out;
  }
}

class NodeHasher implements Hasher {
  private readonly hash: Hash;
  constructor(algorithm: string) {
    this.hash = createHash(algorithm);
  }
  update(data: Buffer): void {
    this.hash.update(data);
  }
  digest(): Buffer {
    return this.hash.digest();
  }
}

export function createHasher(algorithm: ChecksumAlgorithm | "MD5"): Hasher {
  switch (algorithm) {
    case "CRC32":
      return new Crc32Hasher();
    case "CRC32C":
      return new Crc32cHasher();
    case "CRC64NVME":
      return new Crc64NvmeHasher();
    case "SHA1":
      return new NodeHasher("sha1");
    case "SHA256":
      return new NodeHasher("sha256");
    case "MD5":
      return new NodeHasher("md5");
  }
}

/** One-shot checksum, base64 as S3 writes it. */
export function checksumOf(algorithm: ChecksumAlgorithm, data: Buffer): string {
  const hasher = createHasher(algorithm);
  hasher.update(data);
  return hasher.digest().toString("base64");
}

/** Strict base64 of exactly `length` bytes, or undefined (a header that cannot be a checksum). */
export function decodeBase64Digest(value: string, length: number): Buffer | undefined {
  const trimmed = value.trim();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(trimmed) || trimmed.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(trimmed, "base64");
  return bytes.length === length ? bytes : undefined;
}
