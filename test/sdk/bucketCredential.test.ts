import { captureRegistrations, registrationOf, settled } from "../harness/mocks";
import * as mamutecloud from "../../sdk";

beforeAll(captureRegistrations);

test("BucketCredential registers its type and asks the engine to keep secretAccessKey secret", async () => {
  new mamutecloud.BucketCredential("deployer", { bucketId: "bkt_0123456789abcdef", active: false, rotation: "2026-11" });
  await settled();
  const credential = registrationOf("deployer");
  expect(credential.type).toBe("pulumi-nodejs:dynamic/mamutecloud:BucketCredential");
  expect(credential.additionalSecretOutputs).toEqual(["secretAccessKey"]);
  expect(credential.inputs).toMatchObject({
    bucketId: "bkt_0123456789abcdef",
    active: false,
    rotation: "2026-11",
    __kind: "BucketCredential",
    __logicalName: "deployer",
  });
  expect(credential.inputs.__provider).toContain('require("pulumi-mamutecloud/provider")');
});

test("a user's own additionalSecretOutputs are kept beside secretAccessKey", async () => {
  new mamutecloud.BucketCredential("ci", { bucketId: "bkt_0123456789abcdef" }, { additionalSecretOutputs: ["accessKeyId"] });
  await settled();
  expect([...registrationOf("ci").additionalSecretOutputs].sort()).toEqual(["accessKeyId", "secretAccessKey"]);
});
