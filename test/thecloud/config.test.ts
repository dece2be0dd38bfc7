// The Cloud's settings as a user meets them: each mistake named with both ways to set it, never echoed.
import { ConfigError } from "../../provider/config";
import { redact } from "../../provider/redact";
import { resolveConfig } from "../../thecloud/provider/config";

const stack = (values: Record<string, unknown>) => ({ get: (key: string) => values[key] });
const KEY = "thecloud_0123456789abcdef0123456789abcdef01234567";

test("the endpoint is required (the reference gives no production URL), and named with its variable", () => {
  expect(() => resolveConfig(undefined, { THECLOUD_API_KEY: KEY })).toThrow(
    /^thecloud:endpoint \(or THECLOUD_ENDPOINT\) is required: set it to the API's URL/,
  );
});

test("stack config wins over the environment; a base path is kept; loopback may be plain http", () => {
  const config = resolveConfig(stack({ "thecloud:endpoint": "http://127.0.0.1:4690/api/v1/" }), {
    THECLOUD_ENDPOINT: "https://elsewhere.example",
    THECLOUD_API_KEY: KEY,
  });
  expect(config).toMatchObject({ endpoint: "http://127.0.0.1:4690/api/v1", apiKey: KEY, insecure: false });
  expect(config.retry.maxRetries).toBe(5);
});

test("plain http off loopback, a query, or a key of another cloud is refused, naming the setting, without the value", () => {
  expect(() => resolveConfig(undefined, { THECLOUD_ENDPOINT: "http://cloud.example" })).toThrow(
    /plain http to cloud\.example.*thecloud:insecure/,
  );
  expect(() => resolveConfig(undefined, { THECLOUD_ENDPOINT: "https://cloud.example/api?x=1" })).toThrow(/without a query or fragment/);
  const wrong = "mamute-0123456789abcdef0123456789abcdef01234567";
  const error = (() => {
    try {
      resolveConfig(undefined, { THECLOUD_ENDPOINT: "https://cloud.example", THECLOUD_API_KEY: wrong });
    } catch (err) {
      return err as Error;
    }
  })();
  expect(error).toBeInstanceOf(ConfigError);
  expect(error?.message).toMatch(/thecloud:apiKey \(or THECLOUD_API_KEY\) must be a The Cloud API key starting with "thecloud_"/);
  expect(error?.message).not.toContain(wrong);
});

test("The Cloud's keys are masked in every message once its configuration is loaded", () => {
  expect(redact(`refused ${KEY} here`)).toBe("refused thecloud_[redacted] here");
});
