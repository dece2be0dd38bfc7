// The MamuteCloud management API client: one keep-alive connection pool (undici), one place for
// authentication, retries, error shaping and response validation. Resource modules describe each
// call (operation name, route, body, zod schema of the answer) and get typed data or a
// MamuteApiError that says what failed without leaking a secret.
import type { Dispatcher } from "undici";
import { z } from "zod";
import { missingCredentialError, type ProviderConfig } from "../config";
import { currentReporter } from "../progress";
import { registerSecret } from "../redact";
import { MamuteApiError, UnexpectedResponseError, WrongEndpointError } from "./errors";
import { limiterFor, type RequestLimiter } from "./limiter";
import { retryLists, retryPolicy, type RetryMode, type RetryTracker } from "./retry";

export { MamuteApiError, UnexpectedResponseError, WrongEndpointError } from "./errors";
export type { RetryMode } from "./retry";

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

export interface ApiCall<T> {
  /** What the call does, for errors: `create bucket "my-site"`. */
  operation: string;
  method: HttpMethod;
  /** Route as documented (`/object-storage/buckets/…`); the storage prefix is added here. Ids must be encoded. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Schema of a 2xx body; omit for calls that answer 204. */
  response?: z.ZodType<T>;
  /** Defaults to `create` for POST (not safe to repeat blindly) and `safe` otherwise. */
  retry?: RetryMode;
}

const apiErrorBody = z.object({
  error: z.object({
    code: z.string().optional(),
    message: z.string().optional(),
    field: z.string().optional(),
  }),
});

const pageInfo = z.object({
  page: z.number().int(),
  limit: z.number().int(),
  total: z.number().int(),
  total_pages: z.number().int(),
});

/**
 * How far `created_at` may be from the `Date` clock before any create has shown the stamp clock:
 * generous, because the two may be different machines' clocks.
 */
const UNLEARNED_STAMP_TOLERANCE_MS = 30_000;
/** Added to a learned stamp clock: millisecond rounding and drift over one stack operation. */
const STAMP_SLACK_MS = 1000;

/** Largest page the API serves; fewer round trips for long lists. */
const PAGE_LIMIT = 100;

export function formatIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join(".") : "body"}: ${issue.message}`)
    .join("; ");
}

export class MamuteClient {
  private readonly dispatcher: Dispatcher;
  private readonly authHeaders: Record<string, string>;
  /** Shared by every client of this endpoint in the process: see limiter.ts. */
  readonly limiter: RequestLimiter;
  /** Server clock minus ours, learned from `Date` headers (see `serverNow`). */
  private clockOffsetMs = 0;
  /** Bounds of `created_at` minus our clock, from the latest create (see `stampTime`). */
  private stampSample: { low: number; high: number } | undefined;

  constructor(
    readonly config: ProviderConfig,
    dispatcher?: Dispatcher,
  ) {
    const { apiKey, token } = config;
    if (!apiKey && !token) throw missingCredentialError();
    registerSecret(apiKey);
    registerSecret(token);
    this.limiter = limiterFor(config.endpoint);
    this.authHeaders = apiKey
      ? { [config.authHeader === "x-api-key" ? "x-api-key" : "authorization"]: apiKey }
      : { authorization: `Bearer ${token}` };
    const timeout = config.requestTimeoutMs;
    // Loaded here, not at the top: a preview of unchanged resources (check and diff) never calls the API.
    const { Agent, interceptors } = require("undici") as typeof import("undici");
    this.dispatcher =
      dispatcher ??
      new Agent({
        connections: 16,
        keepAliveTimeout: 10_000,
        headersTimeout: timeout,
        bodyTimeout: timeout,
        connectTimeout: Math.min(timeout, 10_000),
      }).compose(
        interceptors.retry({
          retry: retryPolicy(config.retry),
          maxRetries: config.retry.maxRetries,
          // Hand the last failed response to us, so its error message reaches the user.
          throwOnError: false,
        }),
      );
  }

  /**
   * The API's clock, estimated from the `Date` header of the latest response. Used to tell an
   * object this provider just created from one that existed before (the adopt rule) until a
   * create has shown the clock of `created_at` itself (see `stampTime`).
   */
  serverNow(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /**
   * A local time as the API's `created_at` clock would stamp it, and how far off that may be.
   * The clock that stamps objects need not be the one that writes `Date` (a database behind a
   * proxy): once a create has answered, its `created_at` shows that clock directly; before that,
   * the `Date` clock stands in with a wide tolerance.
   */
  stampTime(localMs: number): { at: number; toleranceMs: number } {
    const sample = this.stampSample;
    if (!sample) return { at: localMs + (this.serverNow() - Date.now()), toleranceMs: UNLEARNED_STAMP_TOLERANCE_MS };
    return { at: localMs + (sample.low + sample.high) / 2, toleranceMs: (sample.high - sample.low) / 2 + STAMP_SLACK_MS };
  }

  /** An object created between two local times carries this `created_at`: learns the stamp clock. */
  private learnStamp(createdAt: unknown, sentLocal: number, answeredLocal: number): void {
    const stamped = typeof createdAt === "string" ? Date.parse(createdAt) : NaN;
    if (Number.isNaN(stamped)) return;
    // The object was stamped at some local time within [sent, answered]; the latest create tells
    // the clock as it is now.
    this.stampSample = { low: stamped - answeredLocal, high: stamped - sentLocal };
  }

  private prefixed(path: string): string {
    return path.startsWith("/object-storage") ? this.config.storagePathPrefix + path : path;
  }

  /** A curl command that deletes the object at `path`, for messages: the credential by its variable, never its value. */
  deleteCommand(path: string): string {
    const { apiKey, authHeader, endpoint } = this.config;
    const header = !apiKey ? "Authorization: Bearer $MAMUTECLOUD_TOKEN" : authHeader === "x-api-key" ? "X-API-Key: $MAMUTECLOUD_API_KEY" : "Authorization: $MAMUTECLOUD_API_KEY";
    return `curl -X DELETE -H "${header}" ${endpoint.replace(/\/+$/, "")}${this.prefixed(path)}`;
  }

  async call<T>(call: ApiCall<T>): Promise<T> {
    const path = this.prefixed(call.path);
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(call.query ?? {})) {
      if (value !== undefined) query.set(key, String(value));
    }
    const fullPath = query.size ? `${path}?${query}` : path;
    const mode = call.retry ?? (call.method === "POST" ? "create" : "safe");
    const sentAt = await this.limiter.acquire();
    // The reporter is captured here: undici runs the retry callback outside this operation's async context.
    const tracker: RetryTracker = {
      mode,
      limiter: this.limiter,
      attempts: 1,
      errors: 0,
      throttles: 0,
      firstSentAt: sentAt,
      sentAt,
      operation: call.operation,
      progress: currentReporter(),
    };
    const headers: Record<string, string> = { accept: "application/json", ...this.authHeaders };
    let body: string | undefined;
    if (call.body !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(call.body);
    }

    const started = Date.now();
    let response: Dispatcher.ResponseData;
    try {
      response = await this.dispatcher.request({
        origin: this.config.endpoint,
        path: fullPath,
        method: call.method,
        headers,
        body,
        retryOptions: retryLists(mode),
        tracker,
      } as Dispatcher.RequestOptions);
    } catch (err) {
      const failure = err as Error & { code?: string };
      const notSent = failure.code === "ECONNREFUSED" || failure.code === "ENOTFOUND";
      throw new MamuteApiError({
        operation: call.operation,
        apiMessage: `no answer from ${this.config.endpoint} (${failure.code ?? failure.name}: ${failure.message})`,
        attempts: tracker.attempts,
        outcomeUnknown: call.method !== "GET" && !notSent,
      });
    }

    const text = await response.body.text();
    const answeredAt = Date.now();
    if (response.statusCode !== 429) this.limiter.succeeded();
    this.learnClock(response.headers.date, started);
    const requestId = header(response.headers["x-request-id"]);
    const wrongEndpoint = (what: string) =>
      new WrongEndpointError(call.operation, this.config.endpoint, `HTTP ${response.statusCode} with ${what}`);
    if (response.statusCode >= 200 && response.statusCode < 300) {
      if (!call.response) return undefined as T;
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw wrongEndpoint(`a body that is not JSON (${contentType(response.headers)})`);
      }
      const parsed = call.response.safeParse(json);
      if (!parsed.success) throw new UnexpectedResponseError(call.operation, formatIssues(parsed.error));
      // Every object the API creates carries `created_at`, stamped during this exchange.
      if (response.statusCode === 201) this.learnStamp((json as { created_at?: unknown }).created_at, tracker.sentAt, answeredAt);
      return parsed.data;
    }

    const apiError = parseApiError(text);
    // Every error of the management API is a JSON envelope; a 4xx without one comes from another
    // server. A 5xx or 429 without one may be a proxy in front of the API: still the API's failure.
    const fromProxy = response.statusCode >= 500 || response.statusCode === 429;
    if (apiError === undefined && !fromProxy) {
      throw wrongEndpoint(`a body that is not a MamuteCloud API error (${contentType(response.headers)})`);
    }
    throw new MamuteApiError({
      operation: call.operation,
      status: response.statusCode,
      code: apiError?.code,
      apiMessage: apiError?.message ?? `an answer without the API's error body (${contentType(response.headers)})`,
      field: apiError?.field,
      requestId,
      attempts: tracker.attempts,
      outcomeUnknown: call.method !== "GET" && response.statusCode >= 500,
    });
  }

  /** A GET that answers `undefined` on 404 instead of throwing. */
  async find<T>(call: ApiCall<T>): Promise<T | undefined> {
    try {
      return await this.call(call);
    } catch (err) {
      if (err instanceof MamuteApiError && err.isNotFound) return undefined;
      throw err;
    }
  }

  /** Every item of a paginated list, following `total_pages`. */
  async listAll<T>(call: Omit<ApiCall<T>, "method" | "response"> & { item: z.ZodType<T> }): Promise<T[]> {
    const schema = z.object({ data: z.array(call.item), pagination: pageInfo });
    const items: T[] = [];
    for (let page = 1; ; page++) {
      const answer = await this.call({
        ...call,
        method: "GET",
        query: { ...call.query, page, limit: PAGE_LIMIT },
        response: schema,
      });
      items.push(...answer.data);
      if (page >= answer.pagination.total_pages || answer.data.length === 0) return items;
    }
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private learnClock(date: string | string[] | undefined, started: number): void {
    const value = header(date);
    const serverTime = value ? Date.parse(value) : NaN;
    if (Number.isNaN(serverTime)) return;
    // A Date header has one-second resolution: the true time lies within the second after it.
    this.clockOffsetMs = serverTime + 500 - (started + Date.now()) / 2;
  }
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function contentType(headers: Dispatcher.ResponseData["headers"]): string {
  return header(headers["content-type"])?.split(";")[0].trim() || "no content type";
}

/** The API's error envelope, or undefined when the body is not one. */
function parseApiError(text: string): { code?: string; message: string; field?: string } | undefined {
  try {
    const parsed = apiErrorBody.safeParse(JSON.parse(text));
    if (parsed.success) return { ...parsed.data.error, message: parsed.data.error.message ?? "(no message)" };
  } catch {
    // not JSON
  }
  return undefined;
}
