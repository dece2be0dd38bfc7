// Shardlyn's backend: what the shared core (the native plugin, schema and SDK generation) needs to
// serve it. Plain data and the config resolver load at once; the definitions and the dialect on
// first use, so the plugin starts lean.
import type { Backend } from "../../provider/backend";
import { CONFIG_NAMESPACE, resolveConfig, settings } from "./config";

export const shardlyn: Backend = {
  name: CONFIG_NAMESPACE,
  packageName: "pulumi-shardlyn",
  settings,
  resolveConfig,
  dialect: () => (require("./dialect") as typeof import("./dialect")).shardlynDialect,
  definitions: () => (require("./resources") as typeof import("./resources")).definitions,
  components: () => [],
  metadata: () => ({
    displayName: "Shardlyn",
    description:
      "DNS records in zones hosted at an external DNS provider, API tokens and the auto-DNS config of Shardlyn, as code. " +
      "Served by the native plugin shipped in the pulumi-shardlyn npm package.",
    keywords: ["pulumi", "shardlyn", "dns", "category/network", "kind/native"],
    providerDescription: "The Shardlyn provider. Every setting can also come from its environment variable.",
    providerClassDoc:
      "A Shardlyn provider instance: an account and its endpoint. Give it to resources with the `provider` option to use\n" +
      "several accounts (or the emulator beside a real one) in one program; resources without one use the stack's\n" +
      "`shardlyn:*` configuration.",
    language: {
      nodejs: { dependencies: { "@pulumi/pulumi": ">=3.139.0" } },
      python: { packageName: "pulumi_shardlyn", pyproject: { enabled: true }, respectSchemaVersion: true },
      go: { importBasePath: "github.com/mamutecloud/pulumi-mamutecloud/shardlyn/sdk/go/shardlyn", respectSchemaVersion: true },
      java: { buildFiles: "none" },
      csharp: { rootNamespace: "Shardlyn", namespaces: { shardlyn: "Pulumi" }, respectSchemaVersion: true },
    },
  }),
};
