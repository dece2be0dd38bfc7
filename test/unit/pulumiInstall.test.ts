// scripts/pulumi-install.js, the parts that decide what a user reads: the pinned versions read from
// a tool module's go.mod, the version a binary reports for a pseudo-version, and the go command's
// words for a module the proxy refuses, reduced to the module, the version and the registry's answer.
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../harness/providerHost";

const install = require(path.join(REPO_ROOT, "scripts", "pulumi-install.js"));

test("the CLI's module is pinned at the release of this repository's @pulumi/pulumi", () => {
  const goMod = fs.readFileSync(path.join(REPO_ROOT, "tools", "pulumi", "cli", "go.mod"), "utf8");
  const sdk = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")).version;
  expect(install.pinnedVersion(goMod, "github.com/pulumi/pulumi/pkg/v3")).toBe(`v${sdk}`);
});

test("a binary built from a pseudo-version reports the release it builds on", () => {
  expect(install.reportedVersion("v3.0.0-20241120174701-c93e5535978b")).toBe("v3.0.0");
  expect(install.reportedVersion("v3.140.1-0.20241120174701-c93e5535978b")).toBe("v3.140.1");
  expect(install.reportedVersion("v3.248.0")).toBe("v3.248.0");
});

test("a module the proxy refuses is reported with its module, version and the registry's answer", () => {
  const output = [
    "go: downloading github.com/pulumi/pulumi/pkg/v3 v3.248.0",
    "go: github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3@v3.0.0-20260624180030-dc7edd58bc13: reading https://proxy.golang.org/github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3/@v/v3.0.0-20260624180030-dc7edd58bc13.info: 403 Forbidden",
    "\tserver response: This module version is not available.",
  ].join("\n");
  const answer = install.registryAnswer(output);
  expect(answer).toContain("pulumi-language-nodejs/v3@v3.0.0-20260624180030-dc7edd58bc13");
  expect(answer).toContain("403 Forbidden");
  expect(answer).toContain("server response: This module version is not available.");
  expect(install.registryAnswer("main.go:3:2: undefined: x")).toBeUndefined();
});
