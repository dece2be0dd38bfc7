// Provider configuration, as every cloud's backend reads it: stack config (`<namespace>:*`, handed
// over by the dynamic provider's `configure` hook or the plugin's Configure) wins over the
// environment of the `pulumi` command, which wins over defaults. Resolution is pure and validation
// errors name both ways to set a value and never echo the value. A backend brings its table of
// settings (its own ones, then `sharedSettings` with its environment prefix) and its resolver,
// built from a `ConfigReader`.

export interface ConfigSource {
  /**
   * A stack config value by its namespaced key (`<namespace>:apiKey`), or undefined. Typed: the
   * engine hands `pulumi config set --type bool|int` and YAML `true`/`60` over as booleans and
   * numbers, not strings.
   */
  get(key: string): unknown;
}

export interface RetrySettings {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Backoff before the first retry; doubles each time, with full jitter. */
  baseDelayMs: number;
  /** Cap of one backoff, and of a server's Retry-After. */
  maxDelayMs: number;
  /** How long a request answered 429 keeps being retried, from its first attempt. */
  rateLimitTimeoutMs: number;
}

/** What the API client needs of any cloud's configuration. */
export interface ClientConfig {
  apiKey?: string;
  /** A bearer token, used when no API key is set (a cloud without one leaves it out). */
  token?: string;
  /** A user's sign-in, for a cloud whose dialect has sessions (`session`): short-lived access tokens, renewed. */
  login?: { user: string; password: string };
  endpoint: string;
  /** How the API key is sent, for a cloud whose documents allow more than one form (its dialect's `authForms`). */
  authHeader?: string;
  /** The prefix of the routes the dialect prefixes (its `prefixedRoutes`), for a cloud whose documents disagree on it. */
  storagePathPrefix?: string;
  insecure: boolean;
  requestTimeoutMs: number;
  retry: RetrySettings;
}

export interface Setting {
  key: string;
  env: string;
  type: "string" | "boolean" | "integer" | "number";
  secret?: boolean;
  description: string;
  default?: string;
}

/** The settings every cloud has, in this order, after its own: the transport and the retries. */
export function sharedSettings(envPrefix: string) {
  return {
    insecure: {
      key: "insecure",
      type: "boolean",
      env: `${envPrefix}_INSECURE`,
      default: "false",
      description: "Allow plain `http://` endpoints off loopback. Loopback (the emulator) is always allowed.",
    },
    requestTimeout: {
      key: "requestTimeout",
      type: "number",
      env: `${envPrefix}_REQUEST_TIMEOUT`,
      default: "60",
      description: "Seconds one HTTP request may take before it counts as failed (and is retried when that is safe).",
    },
    maxRetries: {
      key: "maxRetries",
      type: "integer",
      env: `${envPrefix}_MAX_RETRIES`,
      default: "5",
      description:
        "Retries of a request that failed with a 5xx (reads, updates and deletes), a timeout or a connection error. " +
        "429 answers do not count: `rateLimitTimeout` bounds them.",
    },
    retryBaseDelay: {
      key: "retryBaseDelay",
      type: "number",
      env: `${envPrefix}_RETRY_BASE_DELAY`,
      default: "0.5",
      description: "Seconds before the first retry; doubles with each retry, with full jitter.",
    },
    retryMaxDelay: {
      key: "retryMaxDelay",
      type: "number",
      env: `${envPrefix}_RETRY_MAX_DELAY`,
      default: "20",
      description: "Cap in seconds of one wait between retries, including a server's `Retry-After`.",
    },
    rateLimitTimeout: {
      key: "rateLimitTimeout",
      type: "number",
      env: `${envPrefix}_RATE_LIMIT_TIMEOUT`,
      default: "300",
      description:
        "Seconds a request answered 429 (rate limited) keeps being retried, from its first attempt. Every request of the " +
        "stack shares one limiter that slows down on 429s and speeds up again.",
    },
  } satisfies Record<string, Setting>;
}

export type SharedSettings = ReturnType<typeof sharedSettings>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Reads one cloud's settings: stack config first, then the environment, then the default, with
 * the checks every cloud's settings share. Messages name a setting as `<namespace>:<key> (or ENV)`.
 */
export class ConfigReader {
  constructor(
    readonly namespace: string,
    private readonly stack: ConfigSource | undefined,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  where(setting: Setting): string {
    return `${this.namespace}:${setting.key} (or ${setting.env})`;
  }

  read(setting: Setting): string | undefined {
    const fromStack = asText(this.stack?.get(`${this.namespace}:${setting.key}`));
    if (fromStack !== undefined && fromStack !== "") return fromStack;
    const fromEnv = this.env[setting.env];
    if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
    return setting.default;
  }

  /** Whether the setting was given (stack config or environment) rather than defaulted. */
  isSet(setting: Setting): boolean {
    return this.read({ ...setting, default: undefined }) !== undefined;
  }

  boolean(setting: Setting): boolean {
    const value = (this.read(setting) ?? "false").trim().toLowerCase();
    if (value === "true" || value === "1") return true;
    if (value === "false" || value === "0") return false;
    throw new ConfigError(`${this.where(setting)} must be true or false (the value given is not shown).`);
  }

  /**
   * A server's address (scheme, host, port) as its origin. `insecure` allows plain http off
   * loopback; `credentials` names where credentials go instead of the URL. Values are never echoed
   * in these errors: a secret pasted into the wrong setting (or a password in a URL) would
   * otherwise end up in the engine's log.
   */
  url(setting: Setting, insecure: { setting: Setting; on: boolean }, credentials: string, options: { basePath?: boolean } = {}): string {
    const raw = (this.read(setting) ?? "").trim();
    const example = setting.default ?? "https://api.example.com";
    if (raw === "") throw new ConfigError(`${this.where(setting)} is required: set it to the API's URL, such as ${example}.`);
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      throw new ConfigError(
        `${this.where(setting)} is not a URL (the value is not shown, in case it is a secret). Use a URL such as ${example}.`,
      );
    }
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
      throw new ConfigError(`${this.where(setting)} must be an http(s) URL such as ${example} (the value given is not shown).`);
    }
    if (parsed.username !== "" || parsed.password !== "") {
      throw new ConfigError(
        `${this.where(setting)} holds a user name or password: remove it from the URL (the value is not shown). ` +
          `Credentials go in ${credentials}.`,
      );
    }
    const path = parsed.pathname.replace(/\/+$/, "");
    if ((path !== "" && !options.basePath) || parsed.search !== "" || parsed.hash !== "") {
      throw new ConfigError(
        `${this.where(setting)} must be the server's address alone (scheme, host and port, such as ${example}), ` +
          `without a ${options.basePath ? "" : "path, "}query or fragment: the provider adds the API's routes itself. Use ${parsed.origin}${options.basePath ? path : ""}.`,
      );
    }
    if (parsed.protocol === "http:" && !insecure.on && !isLoopback(parsed.hostname)) {
      throw new ConfigError(
        `${this.where(setting)} uses plain http to ${parsed.hostname}, which would send credentials unencrypted. ` +
          `Use https, or set ${this.where(insecure.setting)} to true if you really mean it.`,
      );
    }
    return parsed.origin + (options.basePath ? path : "");
  }

  number(setting: Setting, min: number, max: number): number {
    const raw = this.read(setting);
    const value = Number(raw);
    if (raw === undefined || raw.trim() === "" || !Number.isFinite(value) || value < min || value > max) {
      throw new ConfigError(`${this.where(setting)} must be a number from ${min} to ${max} (the value given is not shown).`);
    }
    return value;
  }

  seconds(setting: Setting, min: number, max: number): number {
    return Math.round(this.number(setting, min, max) * 1000);
  }

  integer(setting: Setting, min: number, max: number): number {
    const value = this.number(setting, min, max);
    if (!Number.isInteger(value)) throw new ConfigError(`${this.where(setting)} must be a whole number (the value given is not shown).`);
    return value;
  }

  /** The shared settings' values: the transport and the retries. */
  shared(table: SharedSettings): Pick<ClientConfig, "insecure" | "requestTimeoutMs" | "retry"> {
    return {
      insecure: this.boolean(table.insecure),
      requestTimeoutMs: this.seconds(table.requestTimeout, 1, 3600),
      retry: {
        maxRetries: this.integer(table.maxRetries, 0, 20),
        baseDelayMs: this.seconds(table.retryBaseDelay, 0, 60),
        maxDelayMs: this.seconds(table.retryMaxDelay, 0, 600),
        rateLimitTimeoutMs: this.seconds(table.rateLimitTimeout, 0, 3600),
      },
    };
  }
}

/**
 * A stack value as the text the environment would give: booleans and numbers (typed config, YAML)
 * by their spelling, so `true` and `"true"` resolve the same; null as unset; anything else (a list,
 * an object) as JSON, which then fails the setting's own validation with its usual message.
 */
function asText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "boolean" || typeof value === "number") return String(value);
  return JSON.stringify(value);
}
