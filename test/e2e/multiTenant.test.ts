// examples/multi-tenant through the real `pulumi` CLI: the root site and two tenants from one
// bucket and one CDN resource; a tenant's edited page planned as an update of that tenant's files.
import { edgeGetTls } from "../emulator/cdn-helpers";
import { exampleLifecycle } from "./harness";

exampleLifecycle({
  example: "multi-tenant",
  config: { domain: "example.com" },
  edit: {
    apply: (project) => project.write("tenants/acme/index.html", "<!doctype html><title>Acme</title><h1>Acme, edited</h1>\n"),
    planned: ["update tenants-files-acme"],
  },
  async check(outputs, emu) {
    expect(Object.keys(outputs.tenantUrls).sort()).toEqual(["acme", "globex"]);
    const acme = await edgeGetTls(emu, { host: "acme.example.com", path: "/", ca: emu.caCertificatePem });
    expect(acme.status).toBe(200);
  },
});
