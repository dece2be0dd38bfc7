import { captureRegistrations, registrationOf, settled } from "../harness/mocks";
import * as mamutecloud from "../../sdk";

beforeAll(captureRegistrations);

test("CdnResource and CdnCustomDomain register their types and pass their args through", async () => {
  const site = new mamutecloud.CdnResource("site", {
    storageOrigin: { bucketId: "bkt_0123456789abcdef", originPath: "/public" },
    distributionDomain: "my-site",
    defaultBehavior: { subdomainRouting: true },
    deployTimeout: "45m",
  });
  new mamutecloud.CdnCustomDomain("www", { resourceId: site.id, domainName: "www.example.com", additionalDomains: ["example.com"] });
  await settled();

  const resource = registrationOf("site");
  expect(resource.type).toBe("pulumi-nodejs:dynamic/mamutecloud:CdnResource");
  expect(resource.inputs).toMatchObject({
    storageOrigin: { bucketId: "bkt_0123456789abcdef", originPath: "/public" },
    distributionDomain: "my-site",
    defaultBehavior: { subdomainRouting: true },
    deployTimeout: "45m",
    __kind: "CdnResource",
    __logicalName: "site",
  });
  expect(resource.additionalSecretOutputs).toEqual([]);
  expect(resource.inputs.__provider).toContain('require("pulumi-mamutecloud/provider")');

  const domain = registrationOf("www");
  expect(domain.type).toBe("pulumi-nodejs:dynamic/mamutecloud:CdnCustomDomain");
  expect(domain.inputs).toMatchObject({
    resourceId: "site-id",
    domainName: "www.example.com",
    additionalDomains: ["example.com"],
    __kind: "CdnCustomDomain",
  });
});
