// The list walker: every item of a list, whatever envelope and paging the server uses, with the
// I/O handed in (one call per page) so that the walk is tested with injected answers.
//
// The API documents no list envelope, page size or limit, so the walk assumes as little as it can:
// - it asks for the dialect's page size; a server that refuses it (a 400/422 blaming `limit`, or
//   any refusal of the first page, which differs from a plain list only by the paging asked) is
//   asked again without `limit`, and its default pages are walked;
// - it ends at the first of: an empty page, the last page the envelope announces, `has_more`
//   false (or no `next_cursor`), or, when the envelope says nothing about pages, a page shorter than the first one. A
//   first page shorter than asked does not end it: a server may cap the page size below what was
//   asked without saying so, and ending there would lose every later item (one more request,
//   answered empty or repeated, settles it);
// - a server that ignores `page` answers page 1 again: a page that brings no id not seen before
//   ends the walk, so such a list is read once, not forever.
import type { ApiDialect } from "./dialect";
import { ApiError } from "./errors";

/** A walk never asks for more pages than this: 100,000 items at the usual page sizes. */
const MAX_PAGES = 1000;

export interface ListWalk {
  dialect: ApiDialect;
  /** One page's answer (any JSON), for this query. */
  fetchPage(query: Record<string, string | number | undefined>): Promise<unknown>;
  /** An item's id, for the repeat guard; undefined when it has none (then its JSON stands in). */
  idOf(item: unknown): string | undefined;
  /** The error for an answer that is not a list at all. */
  notAList(detail: string): Error;
}

export async function walkList(walk: ListWalk): Promise<unknown[]> {
  const { dialect } = walk;
  let limit: number | undefined = dialect.pageSize;
  let pageSize: number | undefined;
  const items: unknown[] = [];
  const seen = new Set<string>();
  const keyOf = (item: unknown) => walk.idOf(item) ?? JSON.stringify(item);
  /** The cursor the last page gave, for a list paged by cursor. */
  let cursor: string | undefined;

  for (let page = 1; page <= MAX_PAGES; page++) {
    let answer: unknown;
    try {
      answer = await walk.fetchPage(dialect.pageQuery(page, limit, cursor));
    } catch (err) {
      if (
        limit !== undefined &&
        err instanceof ApiError &&
        err.status !== undefined &&
        dialect.refusesPageSize(err.status, { message: err.message, field: err.field }, page === 1)
      ) {
        // Walked again from the start without `limit`: pages of another size do not line up with those read.
        limit = undefined;
        items.length = 0;
        seen.clear();
        cursor = undefined;
        page = 0;
        continue;
      }
      throw err;
    }
    const read = dialect.readList(answer);
    if (!read) throw walk.notAList(`not a list (${describe(answer)})`);
    const fresh = read.items.filter((item) => !seen.has(keyOf(item)));
    // A page that brings nothing new is a server ignoring `page` (or an empty page): the end.
    if (page > 1 && fresh.length === 0) return items;
    for (const item of fresh) {
      seen.add(keyOf(item));
      items.push(item);
    }
    if (read.items.length === 0) return items;
    cursor = read.nextCursor;
    if (dialect.paging === "cursor") {
      if (cursor === undefined) return items;
      continue;
    }
    // What the envelope announces wins; only a list that says nothing about its pages is judged by their length.
    if (read.totalPages !== undefined) {
      if (page >= read.totalPages) return items;
      continue;
    }
    if (read.hasMore !== undefined) {
      if (!read.hasMore) return items;
      continue;
    }
    // The first page sets the size: a server may cap what was asked without saying so, and a
    // first page shorter than asked may be that cap, not the end (one more page settles it).
    pageSize ??= read.items.length;
    if (read.items.length < pageSize) return items;
  }
  return items;
}

function describe(answer: unknown): string {
  if (answer === null) return "null";
  if (Array.isArray(answer)) return "an array";
  if (typeof answer === "object")
    return `an object with ${
      Object.keys(answer as object)
        .slice(0, 5)
        .join(", ") || "no fields"
    }`;
  return typeof answer;
}
