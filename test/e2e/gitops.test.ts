// examples/gitops through the real `pulumi` CLI, as a GitOps pipeline runs it: a StaticSite of ./site;
// a changed page planned as an update of the files alone.
import { edgeGet } from "../emulator/cdn-helpers";
import { exampleLifecycle } from "./harness";

exampleLifecycle({
  example: "gitops",
  edit: {
    apply: (project) => project.write("site/index.html", "<!doctype html><title>v2</title><h1>Version 2</h1>\n"),
    planned: ["update site-files"],
  },
  async check(outputs, emu) {
    const home = await edgeGet(emu, { host: outputs.distributionDomain, path: "/" });
    expect(home.status).toBe(200);
  },
});
