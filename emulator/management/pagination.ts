// Every list answers `{data, pagination}` with `?page` (from 1) and `?limit` (1–100, default 20).
import { queryInteger } from "./fields";

export interface Page {
  page: number;
  limit: number;
}

/** Marks a reply body as a page, so a dialect can answer it in another envelope (copied by a spread, never serialized). */
export const PAGE_MARK: unique symbol = Symbol("page");

export interface PageOf<T> {
  data: T[];
  pagination: { page: number; limit: number; total: number; total_pages: number };
  [PAGE_MARK]: true;
}

export function isPage(body: unknown): body is PageOf<unknown> {
  return typeof body === "object" && body !== null && (body as { [PAGE_MARK]?: unknown })[PAGE_MARK] === true;
}

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

export function parsePage(query: URLSearchParams): Page {
  return {
    page: queryInteger(query, "page", 1, Number.MAX_SAFE_INTEGER) ?? 1,
    limit: queryInteger(query, "limit", 1, MAX_LIMIT) ?? DEFAULT_LIMIT,
  };
}

/** `items` must already be in the list's documented order; a page past the end is empty. */
export function paginate<T, R>(items: readonly T[], page: Page, toJson: (item: T) => R): PageOf<R> {
  const start = (page.page - 1) * page.limit;
  return {
    data: items.slice(start, start + page.limit).map(toJson),
    pagination: {
      page: page.page,
      limit: page.limit,
      total: items.length,
      total_pages: Math.ceil(items.length / page.limit),
    },
    [PAGE_MARK]: true,
  };
}
