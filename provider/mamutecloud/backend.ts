// MamuteCloud's backend: what the shared core (the native plugin, schema and SDK generation) needs
// to serve it. Plain data and the config resolver load at once; the definitions, the dialect and the
// component load on first use, so the plugin starts lean.
import type { Backend } from "../backend";
import { CONFIG_NAMESPACE, resolveConfig, settings } from "./config";

export const mamutecloud: Backend = {
  name: CONFIG_NAMESPACE,
  packageName: "pulumi-mamutecloud",
  settings,
  resolveConfig,
  dialect: () => (require("./dialect") as typeof import("./dialect")).mamuteDialect,
  definitions: () => (require("../resources") as typeof import("../resources")).definitions,
  components: () => [
    {
      definition: (require("../staticSiteInterface") as typeof import("../staticSiteInterface")).staticSiteComponent,
      construct: () => require("../../sdk/native/staticSite").constructStaticSite,
    },
  ],
  metadata: () => ({
    displayName: "MamuteCloud",
    description:
      "Buckets, bucket-scoped S3 credentials, synced folders, CDN resources, custom domains, certificates, DNS zones and records on MamuteCloud, as code. " +
      "Served by the native plugin shipped in the pulumi-mamutecloud npm package (the same package also serves them as dynamic resources).",
    keywords: ["pulumi", "mamutecloud", "category/cloud", "kind/native"],
    providerDescription: "The MamuteCloud provider. Every setting can also come from its environment variable.",
    providerClassDoc:
      "A MamuteCloud provider instance: an account and its endpoints. Give it to resources with the `provider` option to use\n" +
      "several accounts (or the emulator beside production) in one program; resources without one use the stack's\n" +
      "`mamutecloud:*` configuration.",
    // No nodejs packageName: TypeScript programs use the SDK inside pulumi-mamutecloud (`/native`),
    // and an SDK generated under that name would shadow the package itself.
    // The other languages' SDKs are generated from this schema by `npm run sdks` (scripts/generate-sdks.js)
    // into sdk/python, sdk/go, sdk/java and sdk/dotnet, under these names.
    language: {
      nodejs: { dependencies: { "@pulumi/pulumi": ">=3.139.0" } },
      python: { packageName: "pulumi_mamutecloud", pyproject: { enabled: true }, respectSchemaVersion: true },
      go: { importBasePath: "github.com/mamutecloud/pulumi-mamutecloud/sdk/go/mamutecloud", respectSchemaVersion: true },
      // Java keeps the default package, com.pulumi.mamutecloud: pulumi-java 1.17's program generator (`pulumi
      // convert`) writes com.pulumi.<package>.inputs imports whatever basePackage says. No Gradle files:
      // scripts/sdk-overlays/java/pom.xml builds it with Maven.
      java: { buildFiles: "none" },
      csharp: { rootNamespace: "MamuteCloud", namespaces: { mamutecloud: "Pulumi" }, respectSchemaVersion: true },
    },
  }),
};
