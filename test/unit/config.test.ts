import { ConfigError } from "../../provider/config";
import { resolveConfig, missingCredentialError } from "../../provider/mamutecloud/config";

const stack = (values: Record<string, unknown>) => ({ get: (key: string) => values[key] });

test("defaults: the documented endpoints, Authorization header, no storage prefix", () => {
  const config = resolveConfig(undefined, {});
  expect(config.endpoint).toBe("https://api.mamutecloud.com");
  expect(config.s3Endpoint).toBe("https://s3-us-east-1.mamutecloud.com");
  expect(config.authHeader).toBe("authorization");
  expect(config.storagePathPrefix).toBe("");
  expect(config.apiKey).toBeUndefined();
  expect(config.retry.maxRetries).toBe(5);
});

test("stack config wins over the environment, which wins over defaults", () => {
  const env = { MAMUTECLOUD_API_KEY: "mamute-fromenv0000", MAMUTECLOUD_ENDPOINT: "https://env.example", MAMUTECLOUD_MAX_RETRIES: "2" };
  const config = resolveConfig(stack({ "mamutecloud:apiKey": "mamute-fromstack00", "mamutecloud:authHeader": "X-API-Key" }), env);
  expect(config.apiKey).toBe("mamute-fromstack00");
  expect(config.endpoint).toBe("https://env.example");
  expect(config.authHeader).toBe("x-api-key");
  expect(config.retry.maxRetries).toBe(2);
});

test("typed stack values (booleans, numbers from --type or YAML) resolve like their spelling", () => {
  const config = resolveConfig(
    stack({
      "mamutecloud:insecure": true,
      "mamutecloud:requestTimeout": 30,
      "mamutecloud:maxRetries": 0,
      "mamutecloud:endpoint": "http://api.example.com",
    }),
    {},
  );
  expect(config.insecure).toBe(true);
  expect(config.requestTimeoutMs).toBe(30_000);
  expect(config.retry.maxRetries).toBe(0);
  expect(resolveConfig(stack({ "mamutecloud:insecure": false, "mamutecloud:retryBaseDelay": 0.25 }), {}).retry.baseDelayMs).toBe(250);
  expect(resolveConfig(stack({ "mamutecloud:insecure": null }), { MAMUTECLOUD_INSECURE: "true" }).insecure).toBe(true);
  expect(() => resolveConfig(stack({ "mamutecloud:maxRetries": [1] }), {})).toThrow(/mamutecloud:maxRetries .* must be a number/);
  expect(() => resolveConfig(stack({ "mamutecloud:endpoint": { host: "x" } }), {})).toThrow(/mamutecloud:endpoint .* is not a URL/);
});

test("storage prefix accepts /storage in any spelling and nothing else", () => {
  expect(resolveConfig(stack({ "mamutecloud:storagePathPrefix": "storage/" }), {}).storagePathPrefix).toBe("/storage");
  expect(() => resolveConfig(stack({ "mamutecloud:storagePathPrefix": "/store" }), {})).toThrow(
    /mamutecloud:storagePathPrefix \(or MAMUTECLOUD_STORAGE_PATH_PREFIX\) must be empty or "\/storage"/,
  );
});

test("plain http is refused off loopback unless insecure is set, and allowed for the emulator", () => {
  expect(() => resolveConfig(stack({ "mamutecloud:endpoint": "http://api.example.com" }), {})).toThrow(
    /plain http to api\.example\.com.*mamutecloud:insecure \(or MAMUTECLOUD_INSECURE\)/,
  );
  expect(resolveConfig(stack({ "mamutecloud:endpoint": "http://127.0.0.1:4566/" }), {}).endpoint).toBe("http://127.0.0.1:4566");
  expect(resolveConfig(stack({ "mamutecloud:endpoint": "http://[::1]:4566" }), {}).endpoint).toBe("http://[::1]:4566");
  expect(resolveConfig(stack({ "mamutecloud:endpoint": "http://api.example.com", "mamutecloud:insecure": "true" }), {}).endpoint).toBe(
    "http://api.example.com",
  );
});

test("bad values name the setting, both ways to set it, and never echo a key", () => {
  expect(() => resolveConfig(stack({ "mamutecloud:endpoint": "not a url" }), {})).toThrow(ConfigError);
  expect(() => resolveConfig(stack({ "mamutecloud:maxRetries": "lots" }), {})).toThrow(
    /mamutecloud:maxRetries \(or MAMUTECLOUD_MAX_RETRIES\) must be a number/,
  );
  const wrongKey = "sk_live_should_not_be_printed";
  let message = "";
  try {
    resolveConfig(stack({ "mamutecloud:apiKey": wrongKey }), {});
  } catch (err) {
    message = String(err);
  }
  expect(message).toMatch(/must be a MamuteCloud API key starting with "mamute-"/);
  expect(message).not.toContain(wrongKey);
});

test("the missing-credential error names both ways to set it, and an old Pulumi CLI as a cause", () => {
  const message = missingCredentialError().message;
  expect(message).toMatch(/Pulumi CLI may be older than 3\.139/);
  expect(message).toContain("pulumi config set --secret mamutecloud:apiKey");
  expect(message).toContain("MAMUTECLOUD_API_KEY");
  expect(message).toContain("MAMUTECLOUD_TOKEN");
});
