// The Cloud's configuration: its settings (`thecloud:*`, `THECLOUD_*`) and their resolver, on the
// shared reader of provider/config.ts. The reference gives no production URL (only the example
// `http://api.thecloud.local`): a self-hosted cloud has the address its operator gives it, so the
// endpoint is required.
import { ConfigError, ConfigReader, sharedSettings, type ClientConfig, type ConfigSource, type Setting } from "../../provider/config";
import { registerSecretPattern } from "../../provider/redact";

// The Cloud's API keys (`thecloud_…`), wherever they appear.
registerSecretPattern(/\bthecloud_[A-Za-z0-9_-]{4,}/g, "thecloud_[redacted]");

export const CONFIG_NAMESPACE = "thecloud";

const shared = sharedSettings("THECLOUD");

/** Every setting, for the resolver, the README and the schema's `config`. */
export const settings = {
  apiKey: {
    key: "apiKey",
    type: "string",
    env: "THECLOUD_API_KEY",
    secret: true,
    description: "API key (`thecloud_…`), from `POST /auth/login` or `POST /auth/keys`; sent as `X-API-Key`.",
  },
  endpoint: {
    key: "endpoint",
    type: "string",
    env: "THECLOUD_ENDPOINT",
    description:
      "The API's base URL: scheme, host and port, and the path its routes are under if any (`https://cloud.example/api/v1`); " +
      "the emulator's is `http://127.0.0.1:4690`.",
  },
  ...shared,
  rateLimitTimeout: {
    ...shared.rateLimitTimeout,
    description:
      "Seconds a request answered 429 (rate limited) keeps being retried, from its first attempt. The auth routes " +
      "(`/auth/*`, API keys included: 5 requests a minute) and the other routes each share one limiter per stack " +
      "operation, which slows down on 429s and speeds up again.",
  },
} satisfies Record<string, Setting>;

export type TheCloudConfig = ClientConfig;

export function resolveConfig(stack: ConfigSource | undefined, env: NodeJS.ProcessEnv = process.env): TheCloudConfig {
  const reader = new ConfigReader(CONFIG_NAMESPACE, stack, env);
  const common = reader.shared(settings);
  const apiKey = reader.read(settings.apiKey);
  if (apiKey !== undefined && !apiKey.startsWith("thecloud_")) {
    // Never echo the value: it may be a real credential pasted into the wrong setting.
    throw new ConfigError(`${reader.where(settings.apiKey)} must be a The Cloud API key starting with "thecloud_".`);
  }
  // The reference's only URL is an example; a server may put the routes under a base path (`/api/v1`).
  const endpoint = reader.url(settings.endpoint, { setting: settings.insecure, on: common.insecure }, reader.where(settings.apiKey), {
    basePath: true,
  });
  return { apiKey, endpoint, ...common };
}

export function missingCredentialError(): ConfigError {
  return new ConfigError(
    "No The Cloud API key is configured. Set it with `pulumi config set --secret thecloud:apiKey thecloud_…` or the " +
      "THECLOUD_API_KEY environment variable (`POST /auth/login` answers one; against the emulator, `npx thecloud-emulator` prints it).",
  );
}
