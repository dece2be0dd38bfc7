// The files the adopt command writes, as text: index.ts (one declaration per object, through the
// native SDK so the types are `mamutecloud:index:<Kind>`, the ones `pulumi import` records),
// import.json (the format `pulumi import --file` reads), the folder's README, and the project
// files. Pure and deterministic: the same account gives byte-identical files, so a second run is
// no change in git.
import { ADOPTED_KINDS, Expr, Ref, certificateFiles, type AdoptedAccount, type Adopted, type Value } from "./model";

export interface RenderOptions {
  /** Pulumi project name (Pulumi.yaml). */
  project: string;
  /** Version of pulumi-mamutecloud the program depends on. */
  packageVersion: string;
  /** The command line that wrote the files, for their headers (no credential is ever on it). */
  commandLine: string;
}

const SECTION: Record<string, string> = {
  Bucket: "Buckets",
  BucketCredential: "S3 credentials (their secrets are not known: see the note on each)",
  DnsZone: "DNS zones",
  DnsRecord: "DNS records",
  Certificate: "Certificates issued by MamuteCloud",
  ImportedCertificate: "Imported certificates (their PEM files are yours to supply: see the note on each)",
  CdnResource: "CDN resources",
  CdnCustomDomain: "CDN custom domains",
};

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const INLINE_WIDTH = 100;

/** A value as TypeScript source, indented for its depth. */
export function renderValue(value: Value, indent = ""): string {
  if (value instanceof Ref) return `${value.variable}.id`;
  if (value instanceof Expr) return value.code;
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  const inner = `${indent}    `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    const items = value.map((item) => renderValue(item, inner));
    const inline = `[${items.join(", ")}]`;
    if (inline.length <= INLINE_WIDTH && !inline.includes("\n")) return inline;
    return `[\n${items.map((item) => `${inner}${item},`).join("\n")}\n${indent}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return "{}";
  const key = (name: string) => (IDENTIFIER.test(name) ? name : JSON.stringify(name));
  return `{\n${entries.map(([name, item]) => `${inner}${key(name)}: ${renderValue(item, inner)},`).join("\n")}\n${indent}}`;
}

function declaration(object: Adopted): string {
  const notes = object.notes.map((line) => `// ${line}\n`).join("");
  return `${notes}const ${object.variable} = new mamutecloud.${object.kind}(${JSON.stringify(object.logicalName)}, ${renderValue(object.inputs)}, { protect });\n`;
}

function usesExpr(value: Value, pattern: RegExp): boolean {
  if (value instanceof Expr) return pattern.test(value.code);
  if (Array.isArray(value)) return value.some((item) => usesExpr(item, pattern));
  if (value && typeof value === "object" && !(value instanceof Ref)) return Object.values(value).some((item) => usesExpr(item, pattern));
  return false;
}

export function renderProgram(account: AdoptedAccount, options: RenderOptions): string {
  const needs = (pattern: RegExp) => account.objects.some((object) => usesExpr(object.inputs, pattern));
  const lines = [
    `// Written by \`${options.commandLine}\` from a MamuteCloud account: one declaration per object.`,
    "// Take the objects into the stack first (`pulumi import --file import.json`, see README.md); a",
    "// preview then shows no change. Edit freely afterwards: this file is yours.",
    ...(needs(/\bfs\./) ? ['import * as fs from "node:fs";'] : []),
    'import * as pulumi from "@pulumi/pulumi";',
    'import * as mamutecloud from "pulumi-mamutecloud/native";',
    "",
    "// `pulumi import` protects what it imports; set this to false before you mean to delete anything.",
    "const protect = true;",
    "",
  ];
  for (const kind of ADOPTED_KINDS) {
    const objects = account.objects.filter((object) => object.kind === kind);
    if (objects.length === 0) continue;
    lines.push(`// ${SECTION[kind]}`);
    lines.push(...objects.map(declaration));
  }
  const zones = account.objects.filter((object) => object.kind === "DnsZone");
  if (zones.length > 0) {
    lines.push("// Where to delegate each zone (set these at the registrar).");
    lines.push(
      `export const nameservers = pulumi.output({\n${zones.map((zone) => `    ${JSON.stringify(zone.logicalName)}: ${zone.variable}.nameservers,`).join("\n")}\n});`,
    );
    lines.push("");
  }
  return lines.join("\n");
}

/** `pulumi import --file` format: type token, logical name and import id of each object. */
export function renderImportFile(account: AdoptedAccount): string {
  const resources = account.objects.map((object) => ({
    type: `mamutecloud:index:${object.kind}`,
    name: object.logicalName,
    id: object.importId,
  }));
  return `${JSON.stringify({ resources }, null, 2)}\n`;
}

export function renderReadme(account: AdoptedAccount, options: RenderOptions): string {
  const counts = ADOPTED_KINDS.map((kind) => [kind, account.objects.filter((object) => object.kind === kind).length] as const).filter(
    ([, n]) => n > 0,
  );
  const credentials = account.objects.filter((object) => object.kind === "BucketCredential");
  const imported = account.objects.filter((object) => object.kind === "ImportedCertificate");
  const out = [
    `# ${options.project}`,
    "",
    `Written by \`${options.commandLine}\` from a MamuteCloud account. Running it again on the same`,
    "account writes the same files. `index.ts` declares every object below through the native SDK",
    "(`pulumi-mamutecloud/native`); `import.json` names each one with its id.",
    "",
    "| kind | objects |",
    "|---|---|",
    ...counts.map(([kind, n]) => `| \`mamutecloud:index:${kind}\` | ${n} |`),
    "",
    "## Take them into a stack",
    "",
    "With `MAMUTECLOUD_API_KEY` (and `MAMUTECLOUD_ENDPOINT`, if not the default) set, or the same",
    "settings as stack config (`pulumi config set --secret mamutecloud:apiKey …`):",
    "",
    "```bash",
    "npm install && pulumi stack init",
    ...(imported.length > 0 ? ["# first put each imported certificate's PEM files in certs/ (below)"] : []),
    "pulumi import --file import.json --yes --generate-code=false",
    "pulumi preview --expect-no-changes",
    "```",
    "",
    "The import reads each object and changes nothing in the account; the preview then shows no",
    "change. The objects are protected (as `pulumi import` leaves them): `const protect` in",
    "`index.ts` says so too.",
    "",
    "## What could not be adopted, or needs you",
    "",
  ];
  if (credentials.length > 0) {
    out.push(
      `- **S3 credentials' secrets** (${credentials.length} credential${credentials.length === 1 ? "" : "s"}): the API shows a secret once, when`,
      "  it is made, so the stack does not know it (`secretAccessKey` stays empty). To have one in the",
      "  stack, set `rotation` on that credential (any string) and run `pulumi up`: the secret is",
      "  regenerated in place (the old one stops working at once), and the new one is a stack secret.",
    );
  }
  if (imported.length > 0) {
    out.push(
      "- **Imported certificates' PEM** (the API never gives it back): put each certificate and its key",
      "  in the files `index.ts` reads, or change it to read them from where you keep them:",
      ...imported.map((object) => {
        const files = certificateFiles(object.logicalName);
        return `  - \`${object.logicalName}\` (${object.importId}): \`${files.certificate}\` and \`${files.privateKey}\``;
      }),
      "  The certificate is matched to the imported one by its fingerprint, so the same file is no change.",
    );
  }
  for (const skipped of account.skipped) out.push(`- **${skipped.what}**: ${skipped.why}`);
  out.push(
    "- **Synced folders** (and `SiteReleases`): files in a bucket are not objects a program declares",
    "  one by one, and an import knows neither the local folder nor a credential's secret. Declare a",
    "  `SyncedFolder` for the bucket when you want Pulumi to upload a folder.",
    "- **Certificate validations**: `CertificateValidation` only waits for issuance; it has no API",
    "  object of its own to import. Add one if a program should wait for a new certificate.",
    "",
    "No secret is written to these files.",
    "",
  );
  return out.join("\n");
}

export function renderProjectFiles(options: RenderOptions): Record<string, string> {
  return {
    "Pulumi.yaml": `name: ${options.project}\nruntime: nodejs\ndescription: A MamuteCloud account adopted by pulumi-mamutecloud adopt\n`,
    "package.json": `${JSON.stringify(
      {
        name: options.project,
        private: true,
        main: "index.ts",
        dependencies: { "@pulumi/pulumi": "^3.139.0", "pulumi-mamutecloud": `^${options.packageVersion}` },
        devDependencies: { "@types/node": "^20.0.0", typescript: "^5.0.0" },
      },
      null,
      2,
    )}\n`,
    // node16 resolution: the native SDK is the package's `./native` export.
    "tsconfig.json": `${JSON.stringify(
      {
        compilerOptions: {
          strict: true,
          outDir: "bin",
          target: "es2020",
          module: "node16",
          moduleResolution: "node16",
          skipLibCheck: true,
        },
        files: ["index.ts"],
      },
      null,
      2,
    )}\n`,
  };
}

/** Every file of the folder, by its name. */
export function renderFolder(account: AdoptedAccount, options: RenderOptions): Record<string, string> {
  return {
    ...renderProjectFiles(options),
    "index.ts": renderProgram(account, options),
    "import.json": renderImportFile(account),
    "README.md": renderReadme(account, options),
  };
}
