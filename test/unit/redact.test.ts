// MamuteCloud's key shape is registered by its configuration module, as in the provider.
import "../../provider/mamutecloud/config";
import { redact, redactError, registerSecret } from "../../provider/redact";

test("masks API keys, JWTs, private keys, secret fields and registered secrets", () => {
  registerSecret("S3cr3tValueThatWasRegistered/+x");
  const text = [
    "key mamute-0123456789abcdef0123456789abcdef01234567",
    "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl",
    "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----",
    '{"secret_access_key":"abcdEFGH1234abcdEFGH1234"}',
    "registered S3cr3tValueThatWasRegistered/+x here",
  ].join("\n");
  const out = redact(text);
  expect(out).not.toMatch(/0123456789abcdef/);
  expect(out).not.toContain("eyJzdWIiOiJ1In0");
  expect(out).not.toContain("MIIEvQIBADANBg");
  expect(out).not.toContain("abcdEFGH1234");
  expect(out).not.toContain("S3cr3tValueThatWasRegistered");
  expect(out).toContain("mamute-[redacted]");
});

test("leaves ordinary text alone (file keys, names, ids)", () => {
  const text = 'bucket "my-site" (bkt_0123456789abcdef) still holds 1 file (e.g. assets/index.html)';
  expect(redact(text)).toBe(text);
});

test("redactError rewrites message and stack, keeping the error's fields", () => {
  const error = Object.assign(new Error("failed with mamute-0123456789abcdef"), { id: "bkt_1" });
  const same = redactError(error);
  expect(same).toBe(error);
  expect(error.message).toBe("failed with mamute-[redacted]");
  expect(error.stack).not.toContain("0123456789abcdef");
  expect(error.id).toBe("bkt_1");
});
