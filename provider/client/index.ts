// A cloud's management API client: one keep-alive connection pool (undici), one place for
// authentication, retries, error shaping and response validation. Resource modules describe each
// call (operation name, route, body, zod schema of the answer) and get typed data or an ApiError
// that says what failed without leaking a secret. What differs between clouds (error bodies, list
// envelopes, auth forms, route groups, the settings messages name) is the dialect it is given.
// Over 400 lines on purpose: one class whose request path (auth form, storage prefix, retries,
// judging the answer, learning the server's clock) shares private state that a split would pass around.
import type { Dispatcher } from "undici";
import { z } from "zod";
import type { ClientConfig } from "../config";
import { currentReporter, statusLine } from "../progress";
import { registerSecret } from "../redact";
import type { ApiDialect, AuthForm } from "./dialect";
import { isNotFound, ApiError, UnexpectedResponseError, UnreadableAnswerError, WrongEndpointError } from "./errors";
import { limiterFor, type RequestLimiter } from "./limiter";
import { walkList } from "./list";
import { retryAfterMs, retryLists, retryPolicy, type RetryMode, type RetryTracker } from "./retry";
import { sessionFor, type Session, type SessionPost } from "./session";

export { isConflict, isNotFound, ApiError, UnexpectedResponseError, UnreadableAnswerError, WrongEndpointError } from "./errors";
export type { ApiDialect } from "./dialect";
export type { RetryMode } from "./retry";

export type HttpMethod = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface ApiCall<T> {
  /** What the call does, for errors: `create bucket "my-site"`. */
  operation: string;
  method: HttpMethod;
  /** Route as documented (`/object-storage/buckets/…`); the storage prefix is added here. Ids must be encoded. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /**
   * A raw body instead of JSON (an object's bytes), sent with its content type. Held in memory, so
   * a retry sends it again as it was.
   */
  content?: { bytes: Uint8Array; type: string };
  /** Schema of a 2xx body; omit for calls that answer 204. */
  response?: z.ZodType<T>;
  /** Defaults to `create` for POST (not safe to repeat blindly) and `safe` otherwise. */
  retry?: RetryMode;
}

/**
 * What this process learned about an endpoint where the two API documents disagree: which API key
 * header it accepts and which storage prefix it serves. Shared by every client of the endpoint (a
 * stack operation makes several), so each is found out once per process.
 */
interface Learned {
  /** The auth form (the dialect's `authHeader` setting value) that worked instead of the configured one. */
  authSetting?: string;
  /** The first 401's try of the other auth form: whether it worked. Other 401s wait for it. */
  authProbe?: Promise<boolean>;
  /** The first storage 404's search for the prefix whose routes exist. Other 404s wait for it. */
  prefixProbe?: Promise<string | undefined>;
  /** The storage prefix in force once a storage route answered (the configured one, or the other). */
  storagePrefix?: string;
  /** The bearer token was refused as a credential the routes do not take: the session signs every request. */
  sessionOnly?: boolean;
}
const learnedByEndpoint = new Map<string, Learned>();

/** Where the emulator's other planes answer (its `GET /_emulator/endpoints`). */
export interface EmulatorEndpoints {
  s3Endpoint?: string;
  /** The CDN edge over HTTP, e.g. `http://127.0.0.1:4682`. */
  edgeUrl?: string;
  edgeHttpsUrl?: string;
}
const emulatorEndpointsByEndpoint = new Map<string, Promise<EmulatorEndpoints | undefined>>();
const emulatorEndpointsAnswer = z.object({
  s3_endpoint: z.string().url().optional(),
  edge_url: z.string().url().optional(),
  edge_https_url: z.string().url().optional(),
});

/** Forgets what this process learned of every endpoint, as a new process would (tests whose servers may reuse a port). */
export function forgetLearned(): void {
  learnedByEndpoint.clear();
}

function learnedFor(endpoint: string, configured: string): Learned {
  const key = `${endpoint} ${configured}`;
  let learned = learnedByEndpoint.get(key);
  if (!learned) learnedByEndpoint.set(key, (learned = {}));
  return learned;
}

/** The credential a signed request was sent with (a dialect with sessions), for the advice on a refusal. */
interface Signed {
  kind: "token" | "session";
  /** The refusal says the route takes the other kind. */
  wantsOther: boolean;
}

/** One exchange as the client saw it, before it is judged. */
interface Exchange {
  status: number;
  text: string;
  headers: Dispatcher.ResponseData["headers"];
  attempts: number;
  sentAt: number;
  answeredAt: number;
}

/**
 * How far `created_at` may be from the `Date` clock before any create has shown the stamp clock:
 * generous, because the two may be different machines' clocks.
 */
const UNLEARNED_STAMP_TOLERANCE_MS = 30_000;
/** Added to a learned stamp clock: millisecond rounding and drift over one stack operation. */
const STAMP_SLACK_MS = 1000;

export function formatIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join(".") : "body"}: ${issue.message}`)
    .join("; ");
}

export class ApiClient {
  private readonly dispatcher: Dispatcher;
  /** The API key's documented forms, the configured one first; empty for a dashboard token. */
  private readonly authForms: AuthForm[];
  private readonly learned: Learned;
  readonly dialect: ApiDialect;
  /** The endpoint is this machine (the emulator, most likely): a refused connection is not retried. */
  readonly onLoopback: boolean;
  /** The endpoint's server, and the path its routes are under (empty, or a base path such as `/api/v1`). */
  private readonly origin: string;
  private readonly basePath: string;
  /** The default route group's limiter, shared by every client of this endpoint in the process: see limiter.ts. */
  readonly limiter: RequestLimiter;
  /** Server clock minus ours, learned from `Date` headers (see `serverNow`). */
  private clockOffsetMs = 0;
  /**
   * Whether the API stamps its objects with a creation time: learned from the objects it answers
   * (true at the first stamp seen, false at the first object without one); undefined until then.
   * Without stamps, time cannot tell an object a lost create made from one that was there before,
   * so the adopt rule takes a list before each create instead (adopt.ts).
   */
  stampsObjects: boolean | undefined;
  /** Bounds of `created_at` minus our clock, from the latest create (see `stampTime`). */
  private stampSample: { low: number; high: number } | undefined;
  /** The signed-in session, for a dialect with sessions and a configured `login`. */
  private readonly session: Session | undefined;

  constructor(
    readonly config: ClientConfig,
    dialect: ApiDialect,
    dispatcher?: Dispatcher,
  ) {
    const { apiKey, token, login } = config;
    if (!apiKey && !token && !(login && dialect.session)) throw dialect.missingCredential();
    registerSecret(apiKey);
    registerSecret(token);
    registerSecret(login?.password);
    this.session = login && dialect.session ? sessionFor(config.endpoint, dialect.session, login.user, login.password) : undefined;
    this.dialect = dialect;
    this.onLoopback = isLoopbackUrl(config.endpoint);
    const base = new URL(config.endpoint);
    this.origin = base.origin;
    this.basePath = base.pathname.replace(/\/+$/, "");
    this.limiter = limiterFor(config.endpoint);
    this.authForms = apiKey ? dialect.authForms(apiKey, config.authHeader ?? "") : [];
    this.learned = learnedFor(config.endpoint, `${config.authHeader ?? ""} ${config.storagePathPrefix ?? ""}`);
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

  /** An object (with an id) either carries a creation time or does not: the API's habit, learned once. */
  private learnWhetherStamped(json: unknown): void {
    if (this.stampsObjects !== undefined || json === null || typeof json !== "object" || Array.isArray(json)) return;
    const object = json as Record<string, unknown>;
    if (object[this.dialect.fields.id] === undefined) return;
    this.stampsObjects = typeof object[this.dialect.fields.createdAt] === "string";
  }

  /** An object created between two local times carries this `created_at`: learns the stamp clock. */
  private learnStamp(createdAt: unknown, sentLocal: number, answeredLocal: number): void {
    const stamped = typeof createdAt === "string" ? Date.parse(createdAt) : NaN;
    if (Number.isNaN(stamped)) return;
    // The object was stamped at some local time within [sent, answered]; the latest create tells
    // the clock as it is now.
    this.stampSample = { low: stamped - answeredLocal, high: stamped - sentLocal };
  }

  /** Whether a route is one the dialect's documents disagree on the prefix of (`prefixedRoutes`). */
  private isStorage(path: string): boolean {
    return this.dialect.prefixedRoutes !== undefined && path.startsWith(this.dialect.prefixedRoutes);
  }

  private prefixed(path: string, prefix = this.learned.storagePrefix ?? this.config.storagePathPrefix ?? ""): string {
    return this.isStorage(path) ? prefix + path : path;
  }

  /** The auth form in force: the configured one, or the other one once it worked instead. */
  private authForm(): AuthForm | undefined {
    return this.authForms.find((form) => form.setting === this.learned.authSetting) ?? this.authForms[0];
  }

  private headersFor(form: AuthForm | undefined): Record<string, string> {
    if (!form) return { authorization: `Bearer ${this.config.token}` };
    return { [form.header]: this.config.apiKey as string };
  }

  /** `<namespace>:<key>` and the environment variable of one of the dialect's settings, for messages. */
  private setting(key: string): { name: string; env: string } {
    const { namespace, table } = this.dialect.settings;
    return { name: `${namespace}:${key}`, env: table[key]?.env ?? key };
  }

  /** A curl command that deletes the object at `path`, for messages: the credential by its variable, never its value. */
  deleteCommand(path: string): string {
    const form = this.authForm();
    const header = !form ? `Authorization: Bearer $${this.setting("token").env}` : `${form.headerName}: $${this.setting("apiKey").env}`;
    return `curl -X DELETE -H "${header}" ${this.config.endpoint.replace(/\/+$/, "")}${this.prefixed(path)}`;
  }

  async call<T>(call: ApiCall<T>): Promise<T> {
    const mode = call.retry ?? (call.method === "POST" ? "create" : "safe");
    if (this.dialect.session) {
      const { answer, signed } = await this.sendSigned(call, mode);
      return this.judge(call, mode, answer, [], signed);
    }
    let form = this.authForm();
    let prefix = this.learned.storagePrefix ?? this.config.storagePathPrefix ?? "";
    let answer = await this.send(call, mode, form, prefix);
    const tried = [form];

    // The two documents disagree on the API key's header: a 401 under one form tries the other.
    if (answer.status === 401) ({ form, answer } = await this.withOtherAuthForm(call, mode, prefix, form, answer, tried));

    // The documents disagree on the storage routes' prefix too. A 404 there is either the object
    // gone or the route missing; the collection's list (which exists whenever the route does)
    // tells them apart. Decided once per process, by the first such 404 (others wait for it): once
    // a storage route has answered, a 404 is the object's.
    if (answer.status === 404 && this.isStorage(call.path)) {
      const decided = this.learned.storagePrefix ?? (await (this.learned.prefixProbe ??= this.findStoragePrefix(form, prefix)));
      if (decided !== undefined && decided !== prefix) {
        prefix = decided;
        answer = await this.send(call, mode, form, prefix);
      }
    }
    if (this.isStorage(call.path) && answer.status !== 404 && answer.status < 500 && answer.status !== 429 && answer.status !== 401) {
      this.learned.storagePrefix ??= prefix;
    }
    return this.judge(call, mode, answer, tried);
  }

  /**
   * A request of a dialect with sessions: with the bearer token when one is configured (and not
   * found refused as the wrong kind), else with the session's access token, renewed once and sent
   * again when the API says it expired (a 401 made nothing, so even a create may be repeated).
   * A token refused as the wrong kind, with a session configured, hands every later request to the
   * session (once per process, with a line saying so).
   */
  private async sendSigned(call: ApiCall<unknown>, mode: RetryMode): Promise<{ answer: Exchange; signed: Signed }> {
    const dialect = this.dialect.session!;
    const refusal = (answer: Exchange) => answer.status === 401 || answer.status === 403;
    const errorOf = (answer: Exchange) => this.dialect.parseError(answer.text, contentType(answer.headers));
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    if (this.config.token !== undefined && !(this.session && this.learned.sessionOnly)) {
      const answer = await this.send(call, mode, undefined, "", bearer(this.config.token));
      const wantsOther = refusal(answer) && dialect.wantsSession(answer.status, errorOf(answer));
      if (!wantsOther || !this.session) return { answer, signed: { kind: "token", wantsOther } };
      if (!this.learned.sessionOnly) {
        this.learned.sessionOnly = true;
        statusLine(
          `${this.dialect.cloud} takes no API token on ${call.method} ${call.path} (${errorOf(answer)?.message ?? `HTTP ${answer.status}`}): ` +
            `signing in as ${this.config.login?.user} for this and every later request.`,
        );
      }
    }
    const session = this.session!;
    const post: SessionPost = (operation, path, body) =>
      this.send({ operation, method: "POST", path, body }, "safe", undefined, "", {}).then((answer) =>
        this.judge({ operation, method: "POST", path, response: z.unknown() }, "safe", answer, [], { kind: "session", wantsOther: false }),
      );
    let access = await session.accessToken(post);
    let answer = await this.send(call, mode, undefined, "", bearer(access));
    if (answer.status === 401) {
      access = await session.refused(post, access);
      answer = await this.send(call, mode, undefined, "", bearer(access));
    }
    return { answer, signed: { kind: "session", wantsOther: refusal(answer) && dialect.wantsToken(answer.status, errorOf(answer)) } };
  }

  /**
   * After a 401 under `form`, the other documented form of the API key (a 401 made nothing, so
   * even a create may be sent again). The first such 401 of the process decides for all:
   * requests refused meanwhile wait for its outcome, then follow it. Never once this form is the
   * one already switched to: then the key itself is refused. `tried` gains the forms tried.
   */
  private async withOtherAuthForm(
    call: ApiCall<unknown>,
    mode: RetryMode,
    prefix: string,
    form: AuthForm | undefined,
    answer: Exchange,
    tried: Array<AuthForm | undefined>,
  ): Promise<{ form: AuthForm | undefined; answer: Exchange }> {
    const other = form && this.authForms.find((candidate) => candidate !== form);
    if (!form || !other || this.learned.authSetting === form.setting) return { form, answer };
    tried.push(other);
    if (this.learned.authSetting !== other.setting && !this.learned.authProbe) {
      let probed: Exchange | undefined;
      this.learned.authProbe = (async () => {
        probed = await this.send(call, mode, other, prefix);
        // Works: any answer that is neither a refusal of the key nor a failure that proves nothing.
        const works = probed.status !== 401 && probed.status !== 403 && probed.status !== 429 && probed.status < 500;
        if (works) {
          this.learned.authSetting = other.setting;
          statusLine(
            `${this.dialect.cloud} refused the API key sent as ${form.shown} and accepted it as ${other.shown}: using that ` +
              `from now on. Set ${this.setting("authHeader").name} to "${other.setting}" (or ${this.setting("authHeader").env}) to send it that way from the start.`,
          );
        }
        return works;
      })().catch(() => false);
      const works = await this.learned.authProbe;
      return works && probed ? { form: other, answer: probed } : { form, answer };
    }
    // Decided, or being decided, by another request while this one was on its way.
    const works = this.learned.authSetting === other.setting || (await this.learned.authProbe!);
    return works ? { form: other, answer: await this.send(call, mode, other, prefix) } : { form, answer };
  }

  /**
   * The storage prefix whose routes exist: `prefix` when its list answers (the 404 was the
   * object's), the other documented one when only that one's list answers (kept for the process,
   * with a line saying which setting makes it permanent), else undefined (nothing learned).
   */
  private async findStoragePrefix(form: AuthForm | undefined, prefix: string): Promise<string | undefined> {
    const routes = this.dialect.prefixedRoutes ?? "";
    const probe = (candidate: string) =>
      this.send({ operation: "find the storage routes", method: "GET", path: `${routes}/buckets` }, "safe", form, candidate).catch(
        () => undefined,
      );
    // Only an API's list counts: a web server answering 200 with a page proves no route.
    const answered = (exchange: Exchange | undefined) => {
      if (exchange === undefined || exchange.status < 200 || exchange.status >= 300) return false;
      try {
        return this.dialect.readList(JSON.parse(exchange.text)) !== undefined;
      } catch {
        return false;
      }
    };
    try {
      const here = await probe(prefix);
      if (answered(here)) return (this.learned.storagePrefix = prefix);
      if (here?.status !== 404) return undefined;
      for (const other of this.dialect.storagePrefixes(prefix).filter((candidate) => candidate !== prefix)) {
        if (!answered(await probe(other))) continue;
        this.learned.storagePrefix = other;
        statusLine(
          `${this.dialect.cloud} has no storage routes under "${prefix}${routes}" and serves them under "${other}${routes}": ` +
            `using that from now on. Set ${this.setting("storagePathPrefix").name} to "${other}" (or ${this.setting("storagePathPrefix").env}) to use it from the start.`,
        );
        return other;
      }
      return undefined;
    } finally {
      // Undecided (the probe failed): the next 404 probes again.
      if (this.learned.storagePrefix === undefined) this.learned.prefixProbe = undefined;
    }
  }

  /** One request (with the retries of its mode) and its whole answer, not judged yet. */
  private async send(
    call: ApiCall<unknown>,
    mode: RetryMode,
    form: AuthForm | undefined,
    prefix: string,
    auth: Record<string, string> = this.headersFor(form),
  ): Promise<Exchange> {
    const path = this.basePath + this.prefixed(call.path, prefix);
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(call.query ?? {})) {
      if (value !== undefined) query.set(key, String(value));
    }
    const fullPath = query.size ? `${path}?${query}` : path;
    const limiter = this.limiterOf(call.path);
    const sentAt = await limiter.acquire();
    // The reporter is captured here: undici runs the retry callback outside this operation's async context.
    const tracker: RetryTracker = {
      mode,
      loopback: this.onLoopback,
      limiter,
      attempts: 1,
      errors: 0,
      throttles: 0,
      firstSentAt: sentAt,
      sentAt,
      operation: call.operation,
      progress: currentReporter(),
    };
    const headers: Record<string, string> = { accept: "application/json", ...auth };
    let body: string | Uint8Array | undefined;
    if (call.content !== undefined) {
      headers["content-type"] = call.content.type;
      body = call.content.bytes;
    } else if (call.body !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(call.body);
    }

    const started = Date.now();
    let response: Dispatcher.ResponseData;
    try {
      response = await this.dispatcher.request({
        origin: this.origin,
        path: fullPath,
        method: call.method,
        headers,
        body,
        retryOptions: retryLists(mode, this.onLoopback),
        tracker,
      } as Dispatcher.RequestOptions);
    } catch (err) {
      const failure = err as Error & { code?: string };
      const notSent = failure.code === "ECONNREFUSED" || failure.code === "ENOTFOUND";
      const nothingListens = notSent && failure.code === "ECONNREFUSED" && this.onLoopback;
      throw new ApiError({
        operation: call.operation,
        apiMessage: nothingListens
          ? `nothing listens at ${this.config.endpoint} (ECONNREFUSED). Is the emulator running? Start it with ` +
            `${this.dialect.emulatorCommand}, or point ${this.setting("endpoint").name} (${this.setting("endpoint").env}) at the API`
          : `no answer from ${this.config.endpoint} (${failure.code ?? failure.name}: ${failure.message})`,
        attempts: tracker.attempts,
        outcomeUnknown: call.method !== "GET" && !notSent,
      });
    }
    const text = await response.body.text();
    if (response.statusCode !== 429) limiter.succeeded();
    this.learnClock(response.headers.date, started);
    return {
      status: response.statusCode,
      text,
      headers: response.headers,
      attempts: tracker.attempts,
      sentAt: tracker.sentAt,
      answeredAt: Date.now(),
    };
  }

  /** The answer's data, or the error it is: by status first, whatever shape the body has. */
  private judge<T>(call: ApiCall<T>, mode: RetryMode, answer: Exchange, tried: Array<AuthForm | undefined>, signed?: Signed): T {
    const { status, text, headers } = answer;
    const requestId = header(headers["x-request-id"]);
    const type = contentType(headers);
    const wrongEndpoint = (what: string) =>
      new WrongEndpointError(
        call.operation,
        this.config.endpoint,
        `HTTP ${status} with ${what}`,
        this.dialect.cloud,
        this.dialect.wrongEndpointHint,
      );
    if (status >= 200 && status < 300) {
      // A HEAD answers its headers, which `head` hands back.
      if (call.method === "HEAD") return lowerCaseHeaders(headers) as T;
      if (!call.response) return undefined as T;
      let json: unknown;
      try {
        // An empty 2xx (a 204) says nothing; the schema decides whether that is enough.
        json = text.trim() === "" ? undefined : JSON.parse(text);
      } catch {
        throw wrongEndpoint(`a body that is not JSON (${type})`);
      }
      const parsed = call.response.safeParse(json);
      if (!parsed.success) {
        // A create that answered 2xx made its object: one whose answer cannot be read is looked up and adopted.
        if (mode === "create") throw new UnreadableAnswerError(call.operation, status, formatIssues(parsed.error), json);
        throw new UnexpectedResponseError(call.operation, formatIssues(parsed.error), this.dialect.cloud);
      }
      // Objects the API creates carry their creation time, stamped during this exchange.
      if (status === 201) this.learnStamp(fieldOf(json, this.dialect.fields.createdAt), answer.sentAt, answer.answeredAt);
      // Reads and creates show whole objects; an update's or an action's answer may show a part.
      if (call.method === "GET" || mode === "create") this.learnWhetherStamped(json);
      return parsed.data;
    }

    const apiError = this.dialect.parseError(text, type);
    // A 5xx or 429 that is not the API's body may be a proxy in front of the API: still a failure
    // of the API. Anything else that is not an API answer at all comes from another server.
    const fromProxy = status >= 500 || status === 429;
    if (apiError === undefined && !fromProxy) {
      throw wrongEndpoint(`a body that is not a ${this.dialect.cloud} API error (${type})`);
    }
    throw new ApiError({
      operation: call.operation,
      status,
      code: apiError?.code,
      apiMessage: apiError?.message ?? statusText(status, apiError === undefined ? type : undefined),
      field: apiError?.field,
      holder: apiError?.holder,
      requestId,
      attempts: answer.attempts,
      outcomeUnknown: call.method !== "GET" && status >= 500,
      advice:
        signed && (status === 401 || status === 403)
          ? this.dialect.session?.advice(status, signed.kind, signed.wantsOther)
          : this.advice(status, tried, retryAfterMs(headers["retry-after"])),
      conflict: status !== 409 && status < 500 && this.dialect.isConflict?.(status, apiError) === true,
    });
  }

  /** What to do about a refusal the user can fix: credentials, rate limits. */
  private advice(status: number, tried: Array<AuthForm | undefined>, retryAfter?: number): string | undefined {
    const named = (key: string) => `${this.setting(key).name} / ${this.setting(key).env}`;
    if (status === 401 || status === 403) {
      const refused = status === 401 ? "not accepted" : "accepted but not allowed to do this";
      if (!this.config.apiKey) {
        return `The dashboard token (${named("token")}, sent as Authorization: Bearer …) was ${refused}; it may have expired.`;
      }
      const forms = tried.filter((form): form is AuthForm => form !== undefined).map((form) => form.shown);
      const choice =
        this.authForms.length > 1
          ? `; ${this.setting("authHeader").name} (${this.setting("authHeader").env}) chooses how it is sent: ` +
            this.authForms
              .map((form) => `"${form.setting}"`)
              .sort()
              .join(" or ")
          : "";
      return `The API key (${named("apiKey")}) was ${refused}, sent as ${forms.join(" and then as ")}. Check the key${choice}.`;
    }
    if (status === 429) {
      const setting = this.setting("rateLimitTimeout");
      if (retryAfter !== undefined && retryAfter > this.config.retry.rateLimitTimeoutMs) {
        return (
          `The API asks to wait ${Math.ceil(retryAfter / 1000)} s before the next request (Retry-After), longer than ${setting.name} ` +
          `(${setting.env}, ${this.config.retry.rateLimitTimeoutMs / 1000} s) allows: run again then, or raise it.`
        );
      }
      return `The API kept rate-limiting past ${setting.name} (${setting.env}); raise it, or run with fewer resources at once (--parallel).`;
    }
    return undefined;
  }

  /** The limiter of the route group `path` belongs to (the dialect's `routeGroup`), shared across the process. */
  limiterOf(path: string): RequestLimiter {
    const group = this.dialect.routeGroup?.(path);
    return group === undefined ? this.limiter : limiterFor(this.config.endpoint, group);
  }

  /** Against an endpoint on loopback, the emulator's S3 endpoint and edge addresses (see `emulatorEndpoints`). */
  emulatorEndpoints(): Promise<EmulatorEndpoints | undefined> {
    return emulatorEndpoints(this.config.endpoint);
  }

  /** A GET that answers `undefined` on 404 instead of throwing. */
  async find<T>(call: ApiCall<T>): Promise<T | undefined> {
    try {
      return await this.call(call);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /**
   * The headers a HEAD of `path` answers (names in lower case), or undefined on 404. A HEAD has no
   * body: a refusal is judged by its status alone.
   */
  async head(call: Omit<ApiCall<never>, "method" | "response" | "body" | "content">): Promise<Record<string, string> | undefined> {
    return this.find<Record<string, string>>({ ...call, method: "HEAD" });
  }

  /**
   * Every item of a list, whatever its envelope and paging (list.ts). `idOf` names an item for
   * the walk's guard against a server that ignores `page` (default: the dialect's id field).
   */
  async listAll<T>(
    call: Omit<ApiCall<T>, "method" | "response"> & { item: z.ZodType<T>; idOf?: (raw: unknown) => string | undefined },
  ): Promise<T[]> {
    const { item, idOf, ...rest } = call;
    const raw = await walkList({
      dialect: this.dialect,
      idOf: idOf ?? ((value) => fieldText(value, this.dialect.fields.id)),
      fetchPage: (query) => this.call({ ...rest, method: "GET", query: { ...rest.query, ...query }, response: z.unknown() }),
      notAList: (detail) => new UnexpectedResponseError(call.operation, detail, this.dialect.cloud),
    });
    const items: T[] = [];
    for (const [index, value] of raw.entries()) {
      const parsed = item.safeParse(value);
      if (!parsed.success) {
        throw new UnexpectedResponseError(call.operation, `item ${index}: ${formatIssues(parsed.error)}`, this.dialect.cloud);
      }
      items.push(parsed.data);
    }
    return items;
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

/**
 * Against a management endpoint on loopback, the emulator's S3 endpoint and edge addresses (its
 * `GET /_emulator/endpoints`, asked once per process); undefined off loopback, or when whatever
 * listens there is not the emulator. No credential is sent: the route needs none.
 */
export function emulatorEndpoints(endpoint: string): Promise<EmulatorEndpoints | undefined> {
  if (!isLoopbackUrl(endpoint)) return Promise.resolve(undefined);
  let known = emulatorEndpointsByEndpoint.get(endpoint);
  if (!known) {
    known = (async () => {
      try {
        const answer = await fetch(`${endpoint.replace(/\/+$/, "")}/_emulator/endpoints`, { signal: AbortSignal.timeout(5000) });
        if (!answer.ok) return undefined;
        const parsed = emulatorEndpointsAnswer.safeParse(await answer.json());
        if (!parsed.success) return undefined;
        return { s3Endpoint: parsed.data.s3_endpoint, edgeUrl: parsed.data.edge_url, edgeHttpsUrl: parsed.data.edge_https_url };
      } catch {
        return undefined;
      }
    })();
    emulatorEndpointsByEndpoint.set(endpoint, known);
    // Not found is asked again next time (the emulator may have been started since).
    void known.then((found) => found === undefined && emulatorEndpointsByEndpoint.delete(endpoint));
  }
  return known;
}

/** Whether a URL's host is this machine: localhost (and its subdomains), 127.0.0.0/8 or ::1. */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, "").toLowerCase();
  } catch {
    return false;
  }
  return host === "localhost" || host.endsWith(".localhost") || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** A top-level field of a JSON object, as text when it is a string or a number. */
function fieldText(json: unknown, name: string): string | undefined {
  const value = fieldOf(json, name);
  return typeof value === "string" || typeof value === "number" ? String(value) : undefined;
}

function fieldOf(json: unknown, name: string): unknown {
  return json !== null && typeof json === "object" ? (json as Record<string, unknown>)[name] : undefined;
}

/** What a status means, for an error body that says nothing (or is not the API's). */
function statusText(status: number, notApiBody: string | undefined): string {
  const meaning: Record<number, string> = {
    400: "the request was refused",
    401: "not authenticated",
    403: "not allowed",
    404: "not found",
    409: "conflict",
    422: "the request was refused",
    429: "rate limited",
  };
  const what = meaning[status] ?? (status >= 500 ? "the server failed" : "refused");
  return notApiBody ? `${what} (an answer without the API's error body: ${notApiBody})` : what;
}

function lowerCaseHeaders(headers: Dispatcher.ResponseData["headers"]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const text = header(value);
    if (text !== undefined) out[name.toLowerCase()] = text;
  }
  return out;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function contentType(headers: Dispatcher.ResponseData["headers"]): string {
  return header(headers["content-type"])?.split(";")[0].trim() || "no content type";
}
