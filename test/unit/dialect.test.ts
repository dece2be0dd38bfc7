// The MamuteCloud dialect with injected bodies: every error shape, list envelope and status word
// the API documents leave open, read the same way; and the list walk over scripted pages.
import { keyPrefix, parseErrorBody, readListBody, statusKindOf } from "../../provider/client/dialect";
import { mamuteDialect } from "../../provider/mamutecloud/dialect";
import { ApiError } from "../../provider/client/errors";
import { walkList } from "../../provider/client/list";

describe("error bodies: the message is read from any common shape", () => {
  test.each([
    [
      '{"error":{"code":"conflict","message":"name is taken","field":"name"}}',
      { message: "name is taken", code: "conflict", field: "name" },
    ],
    ['{"error":"bucket not found"}', { message: "bucket not found" }],
    ['{"message":"zone not found","code":"not_found"}', { message: "zone not found", code: "not_found" }],
    ['{"detail":"Not found."}', { message: "Not found." }],
    [
      '{"detail":[{"loc":["body","name"],"msg":"field required","type":"value_error.missing"}]}',
      { message: "name: field required", field: "name" },
    ],
    ['{"detail":{"message":"limit must be at most 50"}}', { message: "limit must be at most 50" }],
    ['{"errors":[{"message":"name is taken","field":"name"},"and another"]}', { message: "name is taken; and another", field: "name" }],
    ['{"errors":{"name":["has already been taken"]}}', { message: "name: has already been taken", field: "name" }],
    ['{"title":"Conflict","detail":"domain already exists"}', { message: "domain already exists" }],
  ])("%s", (body, expected) => {
    expect(parseErrorBody(body, "application/json")).toMatchObject(expected);
  });

  test("a 409 names the holder when the body says", () => {
    expect(parseErrorBody('{"error":{"message":"taken","existing_id":"bkt_1"}}', "application/json")?.holder).toBe("bkt_1");
    expect(parseErrorBody('{"message":"taken","conflict":{"id":"zone_9"}}', "application/json")?.holder).toBe("zone_9");
  });

  test("a short text body is the message; an empty one is still an API answer", () => {
    expect(parseErrorBody("Not Found", "text/plain")).toEqual({ message: "Not Found" });
    expect(parseErrorBody("", undefined)).toEqual({});
  });

  test("HTML, S3 XML and long pages are not an API answer at all", () => {
    expect(parseErrorBody("<!DOCTYPE html><html><body>404</body></html>", "text/html")).toBeUndefined();
    expect(parseErrorBody('<?xml version="1.0"?><Error><Code>NoSuchBucket</Code></Error>', "application/xml")).toBeUndefined();
    expect(parseErrorBody("<Error><Code>AccessDenied</Code></Error>", undefined)).toBeUndefined();
    expect(parseErrorBody("x".repeat(2000), "text/plain")).toBeUndefined();
  });
});

describe("list envelopes", () => {
  const items = [{ id: "a" }, { id: "b" }];
  test.each([
    ["{data, pagination}", { data: items, pagination: { page: 1, limit: 100, total: 2, total_pages: 1 } }, { totalPages: 1 }],
    ["{data}", { data: items }, {}],
    ["{data, meta}", { data: items, meta: { current_page: 1, last_page: 3 } }, { totalPages: 3 }],
    ["{data, meta.pagination}", { data: items, meta: { pagination: { total: 250, per_page: 100 } } }, { totalPages: 3 }],
    ["{items}", { items }, {}],
    ["{items, has_more}", { items, has_more: false }, { hasMore: false }],
    ["{results, next}", { results: items, next: null }, { hasMore: false }],
    ["a bare array", items, {}],
  ])("%s", (_name, body, paging) => {
    const read = readListBody(body);
    expect(read?.items).toEqual(items);
    expect(read).toMatchObject(paging);
  });

  test("an object without a list is not a list", () => {
    expect(readListBody({ id: "a" })).toBeUndefined();
    expect(readListBody("text")).toBeUndefined();
  });
});

describe("the list walk", () => {
  const ids = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ id: `i${from + i}` }));
  /** A server holding `all`, answering pages of at most `max` items in `envelope`. */
  function server(
    all: Array<{ id: string }>,
    options: {
      max?: number;
      ignoresPage?: boolean;
      envelope?: (items: unknown[], page: number, pages: number) => unknown;
      refusesLimit?: (limit: number) => ApiError | undefined;
    } = {},
  ) {
    const asked: Array<Record<string, number | undefined>> = [];
    return {
      asked,
      walk: () =>
        walkList({
          dialect: mamuteDialect,
          idOf: (item) => (item as { id: string }).id,
          notAList: (detail) => new Error(detail),
          fetchPage: async (asking) => {
            const query = asking as Record<string, number | undefined>;
            asked.push(query);
            if (query.limit !== undefined) {
              const refusal = options.refusesLimit?.(query.limit);
              if (refusal) throw refusal;
            }
            const size = Math.min(query.limit ?? options.max ?? 20, options.max ?? Infinity);
            const page = options.ignoresPage ? 1 : (query.page ?? 1);
            const slice = all.slice((page - 1) * size, page * size);
            const pages = Math.max(1, Math.ceil(all.length / size));
            return (options.envelope ?? ((list) => list))(slice, page, pages);
          },
        }),
    };
  }

  test("follows the pages the envelope announces", async () => {
    const s = server(ids(250), {
      envelope: (data, page, pages) => ({ data, pagination: { page, limit: 100, total: 250, total_pages: pages } }),
    });
    expect((await s.walk()).length).toBe(250);
    expect(s.asked).toEqual([1, 2, 3].map((page) => ({ page, limit: 100 })));
  });

  test("a short page ends a list that says nothing about its pages", async () => {
    const s = server(ids(130));
    expect((await s.walk()).length).toBe(130);
    expect(s.asked).toHaveLength(2);
  });

  test("a page size capped below what was asked, without saying so, still reads every item", async () => {
    const s = server(ids(45), { max: 20 });
    expect((await s.walk()).map((item) => (item as { id: string }).id)).toEqual(ids(45).map((item) => item.id));
  });

  test("a server that ignores `page` is read once, not forever", async () => {
    const s = server(ids(100), { ignoresPage: true, envelope: (data) => ({ data, pagination: { total_pages: 5 } }) });
    expect((await s.walk()).length).toBe(100);
    expect(s.asked).toHaveLength(2);
  });

  test("a refused page size (422 blaming limit) falls back to the server's default pages", async () => {
    const refusal = new ApiError({ operation: "list", status: 422, apiMessage: "limit must be at most 50", outcomeUnknown: false });
    const s = server(ids(30), { max: 25, refusesLimit: (limit) => (limit > 50 ? refusal : undefined) });
    expect((await s.walk()).length).toBe(30);
    expect(s.asked[0]).toEqual({ page: 1, limit: 100 });
    expect(s.asked.slice(1).every((query) => query.limit === undefined)).toBe(true);
  });

  test("any 4xx refusal of the first page with a limit is retried without it; a 404 is not (the parent is gone)", async () => {
    const badRequest = new ApiError({ operation: "list", status: 400, apiMessage: "bad request", outcomeUnknown: false });
    const s = server(ids(3), { refusesLimit: () => badRequest });
    expect((await s.walk()).length).toBe(3);

    const gone = new ApiError({ operation: "list", status: 404, apiMessage: "bucket not found", outcomeUnknown: false });
    await expect(server(ids(3), { refusesLimit: () => gone }).walk()).rejects.toBe(gone);
  });

  test("an answer that is not a list fails clearly", async () => {
    const s = server(ids(3), { envelope: () => ({ id: "x" }) });
    await expect(s.walk()).rejects.toThrow(/not a list \(an object with id\)/);
  });
});

describe("status words", () => {
  test.each(["deployed", "active", "ready", "enabled", "issued", "Deployed", "ACTIVE"])("%s is ready", (word) => {
    expect(statusKindOf(word)).toBe("ready");
  });
  test.each(["failed", "error", "validation_timed_out", "Validation Timed-Out", "revoked", "expired"])("%s is a failure", (word) => {
    expect(statusKindOf(word)).toBe("failed");
  });
  test.each(["in_progress", "pending", "pending_validation", "deploying", "inactive", "something_new"])("%s is waited on", (word) => {
    expect(statusKindOf(word)).toBe("pending");
  });
});

test("a key is shown by its prefix only", () => {
  const key = "mamute-0123456789abcdef0123456789abcdef";
  expect(keyPrefix(key)).toBe("mamute-01…");
  expect(keyPrefix(key)).not.toContain("0123");
  expect(mamuteDialect.authForms(key, "x-api-key").map((form) => form.shown)).toEqual([
    "X-API-Key: mamute-01…",
    "Authorization: mamute-01…",
  ]);
});
