import { captureRegistrations, registrationOf, settled } from "../harness/mocks";
import * as mamutecloud from "../../sdk";

beforeAll(captureRegistrations);

test("Bucket registers as pulumi-nodejs:dynamic/mamutecloud:Bucket with its args, kind and logical name", async () => {
  new mamutecloud.Bucket("assets", { name: "my-assets", storageClass: "Archive", forceDestroy: true });
  await settled();
  const bucket = registrationOf("assets");
  expect(bucket.type).toBe("pulumi-nodejs:dynamic/mamutecloud:Bucket");
  expect(bucket.inputs).toMatchObject({
    name: "my-assets",
    storageClass: "Archive",
    forceDestroy: true,
    __kind: "Bucket",
    __logicalName: "assets",
    __urn: "urn:pulumi:stack::project::pulumi-nodejs:dynamic/mamutecloud:Bucket::assets",
  });
  // The shim, serialized: it requires the package's provider at call time and captures nothing else.
  expect(bucket.inputs.__provider).toContain('require("pulumi-mamutecloud/provider")');
  expect(bucket.additionalSecretOutputs).toEqual([]);
});

test("registration options reach the engine (the capture sees a user's additionalSecretOutputs)", async () => {
  new mamutecloud.Bucket("private", {}, { additionalSecretOutputs: ["s3Endpoint"] });
  await settled();
  expect(registrationOf("private").additionalSecretOutputs).toEqual(["s3Endpoint"]);
});
