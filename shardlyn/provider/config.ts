// Shardlyn's configuration: its settings (`shardlyn:*`, `SHARDLYN_*`) and their resolver, on the
// shared reader of provider/config.ts. Two credentials, either or both: an API token (sent as
// `Authorization: Bearer shardlyn_api_…`), and a user's email and password, with which the
// provider signs in for 15-minute JWTs and renews them through the refresh route. The reference
// marks every DNS and API-token route JWT-only while telling programs to use API tokens: with both
// set, the token is used and the session takes over where the token is refused as the wrong kind.
import { ConfigError, ConfigReader, sharedSettings, type ClientConfig, type ConfigSource, type Setting } from "../../provider/config";
import { registerSecretPattern } from "../../provider/redact";

// Shardlyn's API tokens (`shardlyn_api_…`), wherever they appear.
registerSecretPattern(/\bshardlyn_api_[A-Za-z0-9_-]{4,}/g, "shardlyn_api_[redacted]");

export const CONFIG_NAMESPACE = "shardlyn";
export const DEFAULT_ENDPOINT = "https://api.shardlyn.com";

const shared = sharedSettings("SHARDLYN");

/** Every setting, for the resolver, the README and the schema's `config`. */
export const settings = {
  token: {
    key: "token",
    type: "string",
    env: "SHARDLYN_TOKEN",
    secret: true,
    description:
      "API token (`shardlyn_api_…`, from Settings > API Tokens or an `ApiToken` resource), sent as `Authorization: Bearer`. " +
      "A JWT access token also works, until it expires (15 minutes).",
  },
  email: {
    key: "email",
    type: "string",
    env: "SHARDLYN_EMAIL",
    description:
      "Sign in as this user (with `password`) for JWT sessions, renewed through the refresh route as they expire: " +
      "needed where the server takes no API token (the reference marks the DNS and API-token routes JWT-only).",
  },
  password: {
    key: "password",
    type: "string",
    env: "SHARDLYN_PASSWORD",
    secret: true,
    description: "The password of `email`. An account with MFA cannot sign in from a program: use an API token.",
  },
  endpoint: {
    key: "endpoint",
    type: "string",
    env: "SHARDLYN_ENDPOINT",
    default: DEFAULT_ENDPOINT,
    description: "The API's base URL (scheme, host and port); the emulator's is `http://127.0.0.1:4700`.",
  },
  ...shared,
} satisfies Record<string, Setting>;

export type ShardlynConfig = ClientConfig;

const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export function resolveConfig(stack: ConfigSource | undefined, env: NodeJS.ProcessEnv = process.env): ShardlynConfig {
  const reader = new ConfigReader(CONFIG_NAMESPACE, stack, env);
  const common = reader.shared(settings);
  const token = reader.read(settings.token);
  if (token !== undefined && !token.startsWith("shardlyn_api_") && !JWT.test(token)) {
    // Never echo the value: it may be a real credential pasted into the wrong setting.
    throw new ConfigError(
      `${reader.where(settings.token)} must be a Shardlyn API token starting with "shardlyn_api_" (or a JWT access token); the value is not shown.`,
    );
  }
  const email = reader.read(settings.email);
  const password = reader.read(settings.password);
  if ((email === undefined) !== (password === undefined)) {
    const missing = email === undefined ? settings.email : settings.password;
    throw new ConfigError(
      `${reader.where(missing)} is required with ${reader.where(email === undefined ? settings.password : settings.email)}: the provider signs in with both.`,
    );
  }
  const endpoint = reader.url(
    settings.endpoint,
    { setting: settings.insecure, on: common.insecure },
    `${reader.where(settings.token)} or ${reader.where(settings.password)}`,
  );
  return { token, ...(email !== undefined && password !== undefined && { login: { user: email, password } }), endpoint, ...common };
}

export function missingCredentialError(): ConfigError {
  return new ConfigError(
    "No Shardlyn credential is configured. Set an API token with `pulumi config set --secret shardlyn:token shardlyn_api_…` " +
      "(or SHARDLYN_TOKEN), or sign in with shardlyn:email and `pulumi config set --secret shardlyn:password …` " +
      "(or SHARDLYN_EMAIL and SHARDLYN_PASSWORD). Against the emulator, `npx shardlyn-emulator` prints both.",
  );
}
