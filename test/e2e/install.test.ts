// `npm run pulumi:install` as the README's set-up step runs it: a second run finds everything built
// and says so at once; the clone's `pulumi version` prints the version pinned in tools/pulumi/cli;
// every language host and the dynamic-provider plugin are beside it, where the CLI finds them.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { PULUMI, PULUMI_BIN } from "../harness/cli";
import { REPO_ROOT } from "../harness/providerHost";

test("a second install is a no-op that says so; pulumi version prints the pinned version; the hosts are beside it", () => {
  const started = Date.now();
  const output = execFileSync(process.execPath, [path.join(REPO_ROOT, "scripts", "pulumi-install.js")], { encoding: "utf8" });
  expect(output).toContain("are up to date");
  expect(Date.now() - started).toBeLessThan(15_000);

  const goMod = fs.readFileSync(path.join(REPO_ROOT, "tools", "pulumi", "cli", "go.mod"), "utf8");
  const pinned = /github\.com\/pulumi\/pulumi\/pkg\/v3 (v\S+)/.exec(goMod)![1];
  expect(execFileSync(PULUMI, ["version"], { encoding: "utf8" }).trim()).toBe(pinned);
  for (const command of [
    "pulumi-language-nodejs",
    "pulumi-language-python",
    "pulumi-language-go",
    "pulumi-language-yaml",
    "pulumi-resource-pulumi-nodejs",
    "pulumi-resource-mamutecloud",
  ]) {
    expect(fs.statSync(path.join(PULUMI_BIN, command)).mode & 0o111).not.toBe(0);
  }
});
