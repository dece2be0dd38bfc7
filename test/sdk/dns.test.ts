import { captureRegistrations, registrationOf, settled } from "../harness/mocks";
import * as mamutecloud from "../../sdk";

beforeAll(captureRegistrations);

test("DnsZone and DnsRecord register their types with their args, kind and logical name, and no secret outputs", async () => {
  const zone = new mamutecloud.DnsZone("zone", { domain: "example.com", forceDestroy: true });
  new mamutecloud.DnsRecord("mail", { zoneId: zone.id, name: "@", type: "MX", values: ["mx1.example.com"], ttl: 300, priority: 10 });
  await settled();

  const registeredZone = registrationOf("zone");
  expect(registeredZone.type).toBe("pulumi-nodejs:dynamic/mamutecloud:DnsZone");
  expect(registeredZone.inputs).toMatchObject({ domain: "example.com", forceDestroy: true, __kind: "DnsZone", __logicalName: "zone" });
  expect(registeredZone.additionalSecretOutputs).toEqual([]);

  const record = registrationOf("mail");
  expect(record.type).toBe("pulumi-nodejs:dynamic/mamutecloud:DnsRecord");
  expect(record.inputs).toMatchObject({
    name: "@",
    type: "MX",
    values: ["mx1.example.com"],
    ttl: 300,
    priority: 10,
    __kind: "DnsRecord",
    __logicalName: "mail",
  });
  expect(record.inputs.__provider).toContain('require("pulumi-mamutecloud/provider")');
  expect(record.additionalSecretOutputs).toEqual([]);
});
