// examples/basic through the real `pulumi` CLI: a bucket, its credential, a zone and three records;
// one record's value edited is planned as an update of that record alone.
import { exampleLifecycle, replaceIn } from "./harness";

exampleLifecycle({
  example: "basic",
  // The key as a secret of the stack, as a user keeps it (the other examples take it from the environment).
  secretConfig: (emu) => ({ "mamutecloud:apiKey": emu.apiKey }),
  edit: {
    apply: (project) => replaceIn(project, "index.ts", '"192.0.2.11"', '"192.0.2.12"'),
    planned: ["update apex"],
  },
  canaries: (outputs) => [outputs.secretAccessKey],
  async check(outputs) {
    expect(outputs.accessKeyId).toMatch(/\S/);
    expect(outputs.secretAccessKey).toMatch(/\S/);
    expect(outputs.nameservers.length).toBeGreaterThan(0);
  },
});
