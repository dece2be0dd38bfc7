// What StaticSite asks of its arguments and its URLs, apart from the component: which option a
// user misspelt (and the one meant), and where a browser on this machine opens a host.

/** Edit distance, for "did you mean": small strings only. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** The first key of `given` that is not one of `known`, with the known one it is close to, if any. */
export function unknownOption(given: object, known: ReadonlyArray<string>): { key: string; nearest?: string } | undefined {
  const key = Object.keys(given).find((candidate) => !known.includes(candidate));
  if (key === undefined) return undefined;
  const nearest = [...known].sort((a, b) => distance(key, a) - distance(key, b))[0];
  return distance(key, nearest) <= Math.max(2, Math.floor(key.length / 3)) ? { key, nearest } : { key };
}

/**
 * Where a browser opens `host`: `https://<host>/`, or, when the CDN resource's `siteUrl` is an
 * emulator's `.localhost` edge address, the same scheme and port at `<host>.localhost`.
 */
export function siteAddress(siteUrl: string | undefined, host: string): string {
  try {
    const local = siteUrl ? new URL(siteUrl) : undefined;
    if (local && local.hostname.endsWith(".localhost")) return `${local.protocol}//${host}.localhost${local.port ? `:${local.port}` : ""}/`;
  } catch {
    // not a URL: the production form
  }
  return `https://${host}/`;
}
