// The edge's cache: answers kept per resource, host, path and query, served stale until purged or
// their TTL ends. Bounded in bytes; the least recently used copies go first.
//
// The path in a key is canonical (`cachePath`), as CDNs key their caches, so that every spelling a
// browser or curl may send of one URL is one entry, and a purge of any spelling clears it.

export interface CachedAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** Emulator-clock milliseconds. */
  storedAt: number;
  expiresAt: number;
}

interface Entry {
  resourceId: string;
  host: string;
  /** The viewer path, without the query. */
  path: string;
  answer: CachedAnswer;
}

export const MAX_CACHE_BYTES = 64 * 1024 * 1024;
export const MAX_CACHED_ANSWER_BYTES = 8 * 1024 * 1024;

export interface CacheKey {
  resourceId: string;
  host: string;
  /** Canonical (`cachePath`). */
  path: string;
  /** `""` or `?a=b`, as sent (without the token parameters). */
  query: string;
}

/** RFC 3986's unreserved characters: `%41` and `A` are the same URL. */
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/**
 * The path as the cache keys it, from the path as sent (or as a purge names it).
 *
 * A storage origin reads the object whose key is the decoded path: `/a+b.css`, `/a%2Bb.css` and
 * `/a%2bb.css` all read `a+b.css`, `/caf%C3%A9` and the raw UTF-8 bytes read `café`. So the key is
 * the decoded path itself: one entry per object, whatever the spelling. (Unicode is not
 * normalised: `café` in NFC and in NFD are two keys of S3, two objects, two entries.)
 *
 * A custom origin may tell reserved characters from their escapes (`%2F` is not `/` to most
 * servers), so only what RFC 3986 §6.2.2 calls equivalent is merged: escapes of unreserved
 * characters decoded, other escapes in upper case. That is what CloudFront and Fastly do.
 */
export function cachePath(rawPath: string, origin: "storage" | "custom"): string {
  if (origin === "storage") {
    try {
      return decodeURIComponent(rawPath);
    } catch {
      return rawPath; // a malformed escape: the origin answers 400/404 for it anyway
    }
  }
  return rawPath.replace(/%([0-9A-Fa-f]{2})/g, (escape, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : escape.toUpperCase();
  });
}

function keyOf(key: CacheKey): string {
  return `${key.resourceId}\n${key.host}\n${key.path}${key.query}`;
}

export class EdgeCache {
  /** Insertion order is recency order: a hit moves its entry to the end. */
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(private readonly maxBytes = MAX_CACHE_BYTES) {}

  get(key: CacheKey, now: number): CachedAnswer | undefined {
    const id = keyOf(key);
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    this.entries.delete(id);
    if (entry.answer.expiresAt <= now) {
      this.bytes -= entry.answer.body.length;
      return undefined;
    }
    this.entries.set(id, entry);
    return entry.answer;
  }

  /** Keeps a copy unless it is too big to be worth its room. */
  set(key: CacheKey, answer: CachedAnswer): void {
    if (answer.body.length > MAX_CACHED_ANSWER_BYTES) return;
    const id = keyOf(key);
    this.remove(id);
    this.entries.set(id, { resourceId: key.resourceId, host: key.host, path: key.path, answer });
    this.bytes += answer.body.length;
    for (const [oldest] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.remove(oldest);
    }
  }

  /** Removes the resource's copies whose host and path `matches` accepts; returns how many. */
  evict(resourceId: string, matches: (host: string, path: string) => boolean = () => true): number {
    let evicted = 0;
    for (const [id, entry] of this.entries) {
      if (entry.resourceId === resourceId && matches(entry.host, entry.path)) {
        this.remove(id);
        evicted++;
      }
    }
    return evicted;
  }

  private remove(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    this.bytes -= entry.answer.body.length;
  }
}

/** `*` matches any run of characters, `/` included; everything else literally. */
export function globMatcher(pattern: string): (path: string) => boolean {
  const source = pattern
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  const regex = new RegExp(`^${source}$`, "s");
  return (path) => regex.test(path);
}
