// Shardlyn's settings as a user sets them: either credential or both, errors that name the setting
// and never echo a value, the documented endpoint by default.
import { ConfigError } from "../../provider/config";
import { resolveConfig } from "../../shardlyn/provider/config";
import { ApiClient } from "../../provider/client";
import { shardlynDialect } from "../../shardlyn/provider/dialect";

const stack = (values: Record<string, unknown>) => ({ get: (key: string) => values[key] });
const TOKEN = "shardlyn_api_0123456789abcdef0123456789abcdef01234567";

test("an API token, a sign-in, or both; the endpoint defaults to the documented base URL", () => {
  expect(resolveConfig(stack({ "shardlyn:token": TOKEN }), {})).toMatchObject({ token: TOKEN, endpoint: "https://api.shardlyn.com" });
  expect(resolveConfig(undefined, { SHARDLYN_EMAIL: "ops@example.com", SHARDLYN_PASSWORD: "pw" })).toMatchObject({
    login: { user: "ops@example.com", password: "pw" },
  });
  const both = resolveConfig(stack({ "shardlyn:token": TOKEN, "shardlyn:email": "ops@example.com", "shardlyn:password": "pw" }), {});
  expect([both.token, both.login?.user]).toEqual([TOKEN, "ops@example.com"]);
});

test("an email without its password (or the reverse) is named; a token of another form is refused without echoing it", () => {
  expect(() => resolveConfig(stack({ "shardlyn:email": "ops@example.com" }), {})).toThrow(
    /shardlyn:password \(or SHARDLYN_PASSWORD\) is required with shardlyn:email/,
  );
  expect(() => resolveConfig(undefined, { SHARDLYN_PASSWORD: "pw" })).toThrow(/shardlyn:email \(or SHARDLYN_EMAIL\) is required/);
  const pasted = "mamute-0123456789abcdef";
  let error: unknown;
  try {
    resolveConfig(stack({ "shardlyn:token": pasted }), {});
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as Error).message).toMatch(
    /shardlyn:token \(or SHARDLYN_TOKEN\) must be a Shardlyn API token starting with "shardlyn_api_"/,
  );
  expect((error as Error).message).not.toContain(pasted);
});

test("no credential at all: the first API call says how to set either, and where the emulator prints both", () => {
  const config = resolveConfig(undefined, {});
  expect(() => new ApiClient(config, shardlynDialect)).toThrow(/shardlyn:token .* shardlyn:email .*npx shardlyn-emulator/s);
});

test("which refusals read as the route wanting the other kind of credential", () => {
  const session = shardlynDialect.session!;
  expect(session.wantsSession(403, { message: "this route requires a JWT access token (sign in); API tokens are not accepted" })).toBe(
    true,
  );
  expect(session.wantsSession(401, { message: "invalid API token" })).toBe(false);
  expect(session.wantsToken(403, { message: "API token required for this route" })).toBe(true);
  expect(session.wantsToken(401, { message: "token expired" })).toBe(false);
});
