// Generated bucket names: `<logical>-<7 random>`, always valid under the API's name rule.
import { generateBucketName } from "../../provider/resources/bucket";

const RULE = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

test("a one-letter resource name gives `b-xxxxxxx`, not a padded `b-b-xxxxxxx`", () => {
  const name = generateBucketName("b");
  expect(name).toMatch(/^b-[a-z0-9]{7}$/);
  expect(name).toMatch(RULE);
});

test("logical names the API would refuse are shaped into valid bucket names", () => {
  expect(generateBucketName("My_Site")).toMatch(/^my-site-[a-z0-9]{7}$/);
  expect(generateBucketName("__")).toMatch(/^bucket-[a-z0-9]{7}$/);
  expect(generateBucketName("x".repeat(80))).toMatch(RULE);
  expect(generateBucketName(undefined)).toMatch(/^bucket-[a-z0-9]{7}$/);
});
