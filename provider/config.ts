// Provider configuration: stack config (`mamutecloud:*`, handed over by the dynamic provider's
// `configure` hook) wins over the environment of the `pulumi` command, which wins over defaults.
// Resolution is pure and validation errors name both ways to set a value.

export interface ConfigSource {
  /**
   * A stack config value by its namespaced key (`mamutecloud:apiKey`), or undefined. Typed: the
   * engine hands `pulumi config set --type bool|int` and YAML `true`/`60` over as booleans and
   * numbers, not strings.
   */
  get(key: string): unknown;
}

export type AuthHeader = "authorization" | "x-api-key";

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

export interface ProviderConfig {
  apiKey?: string;
  token?: string;
  endpoint: string;
  s3Endpoint: string;
  /**
   * Whether `s3Endpoint` was set (stack config or environment) rather than defaulted: a default is
   * the documented production endpoint, right only for the production API; otherwise the bucket's
   * own answer (or the emulator) says where its S3 plane is. Only `false` means defaulted.
   */
  s3EndpointSet?: boolean;
  authHeader: AuthHeader;
  storagePathPrefix: "" | "/storage";
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

/** Every setting, for the resolver, the README and the schema's `config`. */
export const settings = {
  apiKey: {
    key: "apiKey",
    type: "string",
    env: "MAMUTECLOUD_API_KEY",
    secret: true,
    description: "Project API key (`mamute-…`), from `POST /security/apikey`.",
  },
  token: {
    key: "token",
    type: "string",
    env: "MAMUTECLOUD_TOKEN",
    secret: true,
    description: "Dashboard JWT, sent as `Authorization: Bearer <jwt>`; used when no API key is set.",
  },
  endpoint: {
    key: "endpoint",
    type: "string",
    env: "MAMUTECLOUD_ENDPOINT",
    default: "https://api.mamutecloud.com",
    description: "Management API base URL.",
  },
  s3Endpoint: {
    key: "s3Endpoint",
    type: "string",
    env: "MAMUTECLOUD_S3_ENDPOINT",
    default: "https://s3-us-east-1.mamutecloud.com",
    description: "S3 data plane endpoint (path-style, region us-east-1).",
  },
  authHeader: {
    key: "authHeader",
    type: "string",
    env: "MAMUTECLOUD_AUTH_HEADER",
    default: "authorization",
    description: "How the API key is sent: `authorization` (`Authorization: <key>`) or `x-api-key` (`X-API-Key: <key>`).",
  },
  storagePathPrefix: {
    key: "storagePathPrefix",
    type: "string",
    env: "MAMUTECLOUD_STORAGE_PATH_PREFIX",
    default: "",
    description: "Prefix of the storage admin routes: empty (`/object-storage/...`) or `/storage` (`/storage/object-storage/...`).",
  },
  insecure: {
    key: "insecure",
    type: "boolean",
    env: "MAMUTECLOUD_INSECURE",
    default: "false",
    description: "Allow plain `http://` endpoints off loopback. Loopback (the emulator) is always allowed.",
  },
  requestTimeout: {
    key: "requestTimeout",
    type: "number",
    env: "MAMUTECLOUD_REQUEST_TIMEOUT",
    default: "60",
    description: "Seconds one HTTP request may take before it counts as failed (and is retried when that is safe).",
  },
  maxRetries: {
    key: "maxRetries",
    type: "integer",
    env: "MAMUTECLOUD_MAX_RETRIES",
    default: "5",
    description:
      "Retries of a request that failed with a 5xx (reads, updates and deletes), a timeout or a connection error. " +
      "429 answers do not count: `rateLimitTimeout` bounds them.",
  },
  retryBaseDelay: {
    key: "retryBaseDelay",
    type: "number",
    env: "MAMUTECLOUD_RETRY_BASE_DELAY",
    default: "0.5",
    description: "Seconds before the first retry; doubles with each retry, with full jitter.",
  },
  retryMaxDelay: {
    key: "retryMaxDelay",
    type: "number",
    env: "MAMUTECLOUD_RETRY_MAX_DELAY",
    default: "20",
    description: "Cap in seconds of one wait between retries, including a server's `Retry-After`.",
  },
  rateLimitTimeout: {
    key: "rateLimitTimeout",
    type: "number",
    env: "MAMUTECLOUD_RATE_LIMIT_TIMEOUT",
    default: "300",
    description:
      "Seconds a request answered 429 (rate limited) keeps being retried, from its first attempt. Every request of the " +
      "stack shares one limiter that slows down on 429s and speeds up again.",
  },
} satisfies Record<string, Setting>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

export const CONFIG_NAMESPACE = "mamutecloud";

function where(setting: Setting): string {
  return `${CONFIG_NAMESPACE}:${setting.key} (or ${setting.env})`;
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Reads stack config first, then the environment, then the default. */
export function resolveConfig(stack: ConfigSource | undefined, env: NodeJS.ProcessEnv = process.env): ProviderConfig {
  const read = (setting: Setting): string | undefined => {
    const fromStack = asText(stack?.get(`${CONFIG_NAMESPACE}:${setting.key}`));
    if (fromStack !== undefined && fromStack !== "") return fromStack;
    const fromEnv = env[setting.env];
    if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
    return setting.default;
  };

  const insecure = parseBoolean(settings.insecure, read(settings.insecure) ?? "false");
  // Values are never echoed in these errors: a secret pasted into the wrong setting (or a password
  // in a URL) would otherwise end up in the engine's log.
  const url = (setting: Setting): string => {
    const raw = (read(setting) ?? "").trim();
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      throw new ConfigError(
        `${where(setting)} is not a URL (the value is not shown, in case it is a secret). Use a URL such as ${setting.default}.`,
      );
    }
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
      throw new ConfigError(`${where(setting)} must be an http(s) URL such as ${setting.default} (the value given is not shown).`);
    }
    if (parsed.username !== "" || parsed.password !== "") {
      throw new ConfigError(
        `${where(setting)} holds a user name or password: remove it from the URL (the value is not shown). ` +
          `Credentials go in ${where(settings.apiKey)} or ${where(settings.token)}.`,
      );
    }
    if (parsed.pathname.replace(/\/+$/, "") !== "" || parsed.search !== "" || parsed.hash !== "") {
      throw new ConfigError(
        `${where(setting)} must be the server's address alone (scheme, host and port, such as ${setting.default}), ` +
          `without a path, query or fragment: the provider adds the API's routes itself. Use ${parsed.origin}.`,
      );
    }
    if (parsed.protocol === "http:" && !insecure && !isLoopback(parsed.hostname)) {
      throw new ConfigError(
        `${where(setting)} uses plain http to ${parsed.hostname}, which would send credentials unencrypted. ` +
          `Use https, or set ${where(settings.insecure)} to true if you really mean it.`,
      );
    }
    return parsed.origin;
  };

  const authHeader = (read(settings.authHeader) ?? "authorization").toLowerCase();
  if (authHeader !== "authorization" && authHeader !== "x-api-key") {
    throw new ConfigError(`${where(settings.authHeader)} must be "authorization" or "x-api-key" (the value given is not shown).`);
  }
  const prefix = (read(settings.storagePathPrefix) ?? "").replace(/^\/*/, "/").replace(/\/+$/, "");
  if (prefix !== "" && prefix !== "/storage") {
    throw new ConfigError(`${where(settings.storagePathPrefix)} must be empty or "/storage" (the value given is not shown).`);
  }

  const apiKey = read(settings.apiKey);
  if (apiKey !== undefined && !apiKey.startsWith("mamute-")) {
    // Never echo the value: it may be a real credential pasted into the wrong setting.
    throw new ConfigError(`${where(settings.apiKey)} must be a MamuteCloud API key starting with "mamute-".`);
  }

  return {
    apiKey,
    token: read(settings.token),
    endpoint: url(settings.endpoint),
    s3Endpoint: url(settings.s3Endpoint),
    s3EndpointSet: read({ ...settings.s3Endpoint, default: undefined }) !== undefined,
    authHeader,
    storagePathPrefix: prefix as "" | "/storage",
    insecure,
    requestTimeoutMs: seconds(settings.requestTimeout, read(settings.requestTimeout), 1, 3600),
    retry: {
      maxRetries: integer(settings.maxRetries, read(settings.maxRetries), 0, 20),
      baseDelayMs: seconds(settings.retryBaseDelay, read(settings.retryBaseDelay), 0, 60),
      maxDelayMs: seconds(settings.retryMaxDelay, read(settings.retryMaxDelay), 0, 600),
      rateLimitTimeoutMs: seconds(settings.rateLimitTimeout, read(settings.rateLimitTimeout), 0, 3600),
    },
  };
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

/** The error for an operation that needs the API when no credential is configured. */
export function missingCredentialError(): ConfigError {
  return new ConfigError(
    "No MamuteCloud credential is configured. Set the API key with " +
      "`pulumi config set --secret mamutecloud:apiKey mamute-…` or the MAMUTECLOUD_API_KEY environment variable " +
      "(or a dashboard JWT with mamutecloud:token / MAMUTECLOUD_TOKEN). " +
      "If mamutecloud:apiKey is set in the stack already, the Pulumi CLI may be older than 3.139, " +
      "which does not pass stack configuration to dynamic providers: check `pulumi version`, upgrade it, " +
      "or use the environment variable.",
  );
}

function parseBoolean(setting: Setting, raw: string): boolean {
  const value = raw.trim().toLowerCase();
  if (value === "true" || value === "1") return true;
  if (value === "false" || value === "0") return false;
  throw new ConfigError(`${where(setting)} must be true or false (the value given is not shown).`);
}

function number(setting: Setting, raw: string | undefined, min: number, max: number): number {
  const value = Number(raw);
  if (raw === undefined || raw.trim() === "" || !Number.isFinite(value) || value < min || value > max) {
    throw new ConfigError(`${where(setting)} must be a number from ${min} to ${max} (the value given is not shown).`);
  }
  return value;
}

function seconds(setting: Setting, raw: string | undefined, min: number, max: number): number {
  return Math.round(number(setting, raw, min, max) * 1000);
}

function integer(setting: Setting, raw: string | undefined, min: number, max: number): number {
  const value = number(setting, raw, min, max);
  if (!Number.isInteger(value)) throw new ConfigError(`${where(setting)} must be a whole number (the value given is not shown).`);
  return value;
}
