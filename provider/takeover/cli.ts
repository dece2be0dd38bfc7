#!/usr/bin/env node
// `pulumi-mamutecloud adopt <folder>`: writes a Pulumi TypeScript program (index.ts), an import
// file (import.json) and a README for every object of a MamuteCloud account, so one
// `pulumi import --file import.json` takes the account into a stack. It only reads the account.
//
// Credentials come from the environment exactly as the provider reads them (config.ts): a plain
// command runs outside any stack, so stack config (`mamutecloud:apiKey`) is not available to it.
import * as fs from "node:fs";
import * as path from "node:path";
import { ApiClient } from "../client";
import { ConfigError } from "../config";
import { resolveConfig } from "../mamutecloud/config";
import { mamuteDialect } from "../mamutecloud/dialect";
import { mamutecloud } from "../mamutecloud/backend";
import { packageVersion } from "../version";
import { GROUPS, readAccount, type Group } from "./inventory";
import { slug } from "./names";
import { renderFolder } from "./render";
import { canonicalZoneDomain } from "../resources/dns";

export const USAGE = `Usage: pulumi-mamutecloud adopt <folder> [--only buckets,dns,cdn] [--zone example.com]... [--project <name>]

Reads the MamuteCloud account and writes into <folder> a Pulumi TypeScript program (index.ts) that
declares every object, import.json for \`pulumi import --file\`, and a README. It only reads.

  --only     kinds to adopt: buckets (and their credentials), dns (zones and records),
             cdn (CDN resources, custom domains, certificates); default all
  --zone     adopt only this DNS zone (repeatable)
  --project  the Pulumi project name (default: the folder's name)

Credentials: MAMUTECLOUD_API_KEY (or MAMUTECLOUD_TOKEN), MAMUTECLOUD_ENDPOINT and the provider's
other MAMUTECLOUD_* variables. Stack config (mamutecloud:apiKey) is not read: this command runs
outside any stack, so export the key for it.`;

export interface AdoptArgs {
  folder: string;
  only: Set<Group>;
  zones: string[];
  project: string;
}

export class UsageError extends Error {}

export function parseArgs(argv: string[]): AdoptArgs {
  const [command, ...rest] = argv;
  if (command !== "adopt") throw new UsageError(command === undefined ? "no command given" : `unknown command "${command}"`);
  let folder: string | undefined;
  let only: Set<Group> | undefined;
  const zones: string[] = [];
  let project: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const [flag, inline] =
      arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = () => {
      const next = inline ?? rest[++i];
      if (next === undefined || next === "") throw new UsageError(`${flag} needs a value`);
      return next;
    };
    if (flag === "--only") {
      only ??= new Set();
      for (const group of value()
        .split(",")
        .map((item) => item.trim().toLowerCase())
        .filter(Boolean)) {
        if (!(GROUPS as readonly string[]).includes(group)) throw new UsageError(`--only takes ${GROUPS.join(", ")} (got "${group}")`);
        only.add(group as Group);
      }
    } else if (flag === "--zone") {
      const raw = value();
      const canonical = canonicalZoneDomain(raw);
      if ("error" in canonical) throw new UsageError(`--zone ${raw}: ${canonical.error}`);
      zones.push(canonical.domain);
    } else if (flag === "--project") {
      project = value();
    } else if (flag.startsWith("-")) {
      throw new UsageError(`unknown option ${flag}`);
    } else if (folder === undefined) {
      folder = arg;
    } else {
      throw new UsageError(`one folder only (got "${folder}" and "${arg}")`);
    }
  }
  if (folder === undefined) throw new UsageError("give the folder to write the program into");
  // --zone alone means DNS: a zone filter says which zones, not that buckets should come along.
  only ??= zones.length > 0 ? new Set<Group>(["dns"]) : new Set<Group>(GROUPS);
  if (zones.length > 0 && !only.has("dns")) throw new UsageError("--zone filters DNS zones: add dns to --only");
  return {
    folder,
    only,
    zones: [...new Set(zones)].sort(),
    project: project ?? (slug(path.basename(path.resolve(folder))) || "mamutecloud"),
  };
}

/** The command line as the files record it: the filters, not the folder's absolute path. */
function commandLine(args: AdoptArgs): string {
  const parts = ["pulumi-mamutecloud adopt", path.basename(path.resolve(args.folder))];
  if (args.only.size !== GROUPS.length) parts.push(`--only ${GROUPS.filter((group) => args.only.has(group)).join(",")}`);
  for (const zone of args.zones) parts.push(`--zone ${zone}`);
  return parts.join(" ");
}

export async function adopt(args: AdoptArgs, env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<string[]> {
  const config = resolveConfig(undefined, env);
  if (!config.apiKey && !config.token) {
    // The provider's own message points at stack config, which this command cannot read.
    throw new ConfigError(
      "no MamuteCloud credential in the environment: export MAMUTECLOUD_API_KEY=mamute-… (or MAMUTECLOUD_TOKEN) for this " +
        "command. It runs outside any stack, so stack config (mamutecloud:apiKey) is not read.",
    );
  }
  const client = new ApiClient(config, mamuteDialect);
  try {
    const account = await readAccount(client, { only: args.only, zones: args.zones, progress: log });
    const files = renderFolder(account, {
      project: args.project,
      packageVersion: packageVersion(mamutecloud.packageName),
      commandLine: commandLine(args),
    });
    fs.mkdirSync(args.folder, { recursive: true });
    const written: string[] = [];
    for (const [name, text] of Object.entries(files)) {
      const file = path.join(args.folder, name);
      // Unchanged files are left alone (their times too): a second run is no change.
      if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === text) continue;
      fs.writeFileSync(file, text);
      written.push(name);
    }
    log(
      `${account.objects.length} objects adopted, ${account.skipped.length} kind(s) of thing left out (README.md says why); ${written.length ? `wrote ${written.join(", ")}` : "no file changed"} in ${args.folder}`,
    );
    return written;
  } finally {
    await client.close();
  }
}

export async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(`${USAGE}\n`);
    return argv.length === 0 ? 2 : 0;
  }
  let args: AdoptArgs;
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`pulumi-mamutecloud: ${err.message}\n\n${USAGE}\n`);
    return 2;
  }
  try {
    await adopt(args, process.env, (line) => process.stderr.write(`${line}\n`));
    return 0;
  } catch (err) {
    const message =
      err instanceof ConfigError && !err.message.includes("stack config")
        ? `${err.message} (this command reads the environment only: stack config is not available to it)`
        : (err as Error).message;
    process.stderr.write(`pulumi-mamutecloud adopt: ${message}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
