// examples/yaml through the real `pulumi` CLI and the native plugin named by its `packages:` entry
// (the plugin folder of the installed package): a bucket, a zone and a record in Pulumi YAML, and a
// lookup of a bucket made outside the stack; the record's value edited is planned as its update.
import { api, exampleLifecycle, linkPackage, replaceIn } from "./harness";

exampleLifecycle({
  example: "yaml",
  async prepare(project, emu) {
    linkPackage(project);
    // The bucket the program looks up with getBucket: made in the dashboard, not by the stack.
    expect((await api(emu, "POST", "/object-storage/buckets", { name: "assets", storage_class: "Standard" })).status).toBe(201);
  },
  edit: {
    apply: (project) => replaceIn(project, "Pulumi.yaml", 'values: ["example.com"]', 'values: ["www2.example.com"]'),
    planned: ["update www"],
  },
  async check(outputs) {
    expect(outputs.nameservers.length).toBeGreaterThan(0);
    expect(outputs.assetsEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
  },
});
