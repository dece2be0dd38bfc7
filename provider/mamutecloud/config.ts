// MamuteCloud's configuration: its settings (`mamutecloud:*`, `MAMUTECLOUD_*`) and their resolver,
// on the shared reader of provider/config.ts.
import { ConfigError, ConfigReader, sharedSettings, type ClientConfig, type ConfigSource, type Setting } from "../config";
import { registerSecretPattern } from "../redact";

// MamuteCloud's API keys, wherever they appear.
registerSecretPattern(/\bmamute-[A-Za-z0-9_-]{4,}/g, "mamute-[redacted]");

export type AuthHeader = "authorization" | "x-api-key";

export interface ProviderConfig extends ClientConfig {
  s3Endpoint: string;
  /**
   * Whether `s3Endpoint` was set (stack config or environment) rather than defaulted: a default is
   * the documented production endpoint, right only for the production API; otherwise the bucket's
   * own answer (or the emulator) says where its S3 plane is. Only `false` means defaulted.
   */
  s3EndpointSet?: boolean;
  authHeader: AuthHeader;
  storagePathPrefix: "" | "/storage";
}

export const CONFIG_NAMESPACE = "mamutecloud";

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
  ...sharedSettings("MAMUTECLOUD"),
} satisfies Record<string, Setting>;

/** Reads stack config first, then the environment, then the default. */
export function resolveConfig(stack: ConfigSource | undefined, env: NodeJS.ProcessEnv = process.env): ProviderConfig {
  const reader = new ConfigReader(CONFIG_NAMESPACE, stack, env);
  const shared = reader.shared(settings);
  const credentials = `${reader.where(settings.apiKey)} or ${reader.where(settings.token)}`;
  const url = (setting: Setting) => reader.url(setting, { setting: settings.insecure, on: shared.insecure }, credentials);

  const authHeader = (reader.read(settings.authHeader) ?? "authorization").toLowerCase();
  if (authHeader !== "authorization" && authHeader !== "x-api-key") {
    throw new ConfigError(`${reader.where(settings.authHeader)} must be "authorization" or "x-api-key" (the value given is not shown).`);
  }
  const prefix = (reader.read(settings.storagePathPrefix) ?? "").replace(/^\/*/, "/").replace(/\/+$/, "");
  if (prefix !== "" && prefix !== "/storage") {
    throw new ConfigError(`${reader.where(settings.storagePathPrefix)} must be empty or "/storage" (the value given is not shown).`);
  }

  const apiKey = reader.read(settings.apiKey);
  if (apiKey !== undefined && !apiKey.startsWith("mamute-")) {
    // Never echo the value: it may be a real credential pasted into the wrong setting.
    throw new ConfigError(`${reader.where(settings.apiKey)} must be a MamuteCloud API key starting with "mamute-".`);
  }

  return {
    apiKey,
    token: reader.read(settings.token),
    endpoint: url(settings.endpoint),
    s3Endpoint: url(settings.s3Endpoint),
    s3EndpointSet: reader.isSet(settings.s3Endpoint),
    authHeader,
    storagePathPrefix: prefix as "" | "/storage",
    ...shared,
  };
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
