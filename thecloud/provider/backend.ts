// The Cloud's backend: what the shared core (the native plugin, schema and SDK generation) needs to
// serve it. Plain data and the config resolver load at once; the definitions and the dialect on
// first use, so the plugin starts lean.
import type { Backend } from "../../provider/backend";
import { CONFIG_NAMESPACE, resolveConfig, settings } from "./config";

export const thecloud: Backend = {
  name: CONFIG_NAMESPACE,
  packageName: "pulumi-thecloud",
  settings,
  resolveConfig,
  dialect: () => (require("./dialect") as typeof import("./dialect")).theCloudDialect,
  definitions: () => (require("./resources") as typeof import("./resources")).definitions,
  components: () => [],
  metadata: () => ({
    displayName: "The Cloud",
    description:
      "Storage buckets (versioning, lifecycle rules), API keys and synced folders on The Cloud, as code. " +
      "Served by the native plugin shipped in the pulumi-thecloud npm package.",
    keywords: ["pulumi", "thecloud", "category/cloud", "kind/native"],
    providerDescription: "The The Cloud provider. Every setting can also come from its environment variable.",
    providerClassDoc:
      "A The Cloud provider instance: an account and its endpoint. Give it to resources with the `provider` option to use\n" +
      "several accounts (or the emulator beside a real one) in one program; resources without one use the stack's\n" +
      "`thecloud:*` configuration.",
    language: {
      nodejs: { dependencies: { "@pulumi/pulumi": ">=3.139.0" } },
      python: { packageName: "pulumi_thecloud", pyproject: { enabled: true }, respectSchemaVersion: true },
      go: { importBasePath: "github.com/mamutecloud/pulumi-mamutecloud/thecloud/sdk/go/thecloud", respectSchemaVersion: true },
      java: { buildFiles: "none" },
      csharp: { rootNamespace: "TheCloud", namespaces: { thecloud: "Pulumi" }, respectSchemaVersion: true },
    },
  }),
};
