// The shape of the tree that keeps each room fitting what it holds (issue 20): the provider never
// imports the SDK, the sync layer imports no resource kind, and a source file over 400 lines says
// at its top why it is one file.
import * as fs from "node:fs";
import * as path from "node:path";

const root = path.resolve(__dirname, "..", "..");

/** The other clouds' packages, each in a folder of its own. */
const CLOUD_FOLDERS = ["thecloud", "shardlyn"];

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(dir, entry.name);
    // Not what is generated (the SDKs' classes) nor built.
    const skipped = [
      path.join("sdk", "native"),
      path.join("sdk", "generated"),
      ...CLOUD_FOLDERS.flatMap((cloud) => [path.join(cloud, "sdk"), path.join(cloud, "dist")]),
    ];
    if (entry.isDirectory()) return skipped.includes(rel) ? [] : sources(rel);
    return entry.name.endsWith(".ts") ? [rel] : [];
  });
}

/** What a module imports or re-exports statically (`import type` included). */
const staticImportsOf = (file: string) =>
  [...fs.readFileSync(path.join(root, file), "utf8").matchAll(/^(?:import|export) [^;]*?from "([^"]+)";/gms)].map((m) => m[1]);
/** ... and what it loads lazily (`require`). */
const importsOf = (file: string) => [
  ...staticImportsOf(file),
  ...[...fs.readFileSync(path.join(root, file), "utf8").matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]),
];

test("no module of provider/ imports the SDK, but MamuteCloud's backend, which names the component class Construct runs", () => {
  const offending = sources("provider").filter((file) =>
    importsOf(file).some((spec) => path.resolve(root, path.dirname(file), spec).startsWith(path.join(root, "sdk"))),
  );
  expect(offending).toEqual([path.join("provider", "mamutecloud", "backend.ts")]);
});

/**
 * MamuteCloud's own modules in provider/: its backend (provider/mamutecloud/), its resource kinds,
 * its CDN API area and StaticSite's interface, its `adopt` command, the entry points of its two
 * hosts, and the parts of the folder sync that speak its S3 plane and purge its CDN. Everything
 * else in provider/ is the shared core, which every cloud's backend is served by.
 */
const MAMUTECLOUD_MODULES = [
  "provider/mamutecloud/",
  "provider/resources/",
  "provider/takeover/",
  "provider/cdnApi.ts",
  "provider/staticSiteInterface.ts",
  "provider/index.ts",
  "provider/plugin/main.ts",
  ...["bucket", "clockSkew", "signedPut", "owner", "purge", "releases"].map((name) => `provider/sync/${name}.ts`),
];
const isCloudModule = (file: string) => MAMUTECLOUD_MODULES.some((prefix) => file.split(path.sep).join("/").startsWith(prefix));
const core = () => sources("provider").filter((file) => !isCloudModule(file));

test("the shared core names no cloud", () => {
  const naming = core().filter((file) => /mamute|thecloud|the cloud|shardlyn/i.test(fs.readFileSync(path.join(root, file), "utf8")));
  expect(naming).toEqual([]);
  expect(core().length).toBeGreaterThan(30);
});

test("the shared core imports no cloud's module", () => {
  const offending = core().flatMap((file) =>
    staticImportsOf(file)
      .map((spec) => resolveModule(file, spec))
      .filter(
        (target): target is string =>
          target !== undefined && (isCloudModule(target) || target.startsWith("thecloud") || target.startsWith("shardlyn")),
      )
      .map((target) => `${file} → ${target}`),
  );
  expect(offending).toEqual([]);
});

test("no module of provider/sync/ imports a resource kind's module", () => {
  const offending = sources(path.join("provider", "sync")).filter((file) =>
    importsOf(file).some((spec) => /(^|\/)resources(\/|$)/.test(spec)),
  );
  expect(offending).toEqual([]);
});

test("a source file over 400 lines says at its top why it is one file", () => {
  const long = ["provider", "sdk", "emulator", ...CLOUD_FOLDERS].flatMap(sources).filter((file) => {
    const lines = fs.readFileSync(path.join(root, file), "utf8").split("\n");
    if (lines.length <= 400) return false;
    const header = lines
      .slice(
        0,
        lines.findIndex((line) => !line.startsWith("//")),
      )
      .join("\n");
    return !/\b400 lines\b/.test(header);
  });
  expect(long).toEqual([]);
});

/** The module a relative specifier of `file` names (`./x` → x.ts or x/index.ts), or undefined for a package. */
function resolveModule(file: string, spec: string): string | undefined {
  if (!spec.startsWith(".")) return undefined;
  const base = path.join(path.dirname(file), spec);
  return [`${base}.ts`, path.join(base, "index.ts")].find((candidate) => fs.existsSync(path.join(root, candidate)));
}

test("no import cycle among the sources, types-only imports included (eslint's no-cycle skips those)", () => {
  const files = ["provider", "sdk", "emulator", ...CLOUD_FOLDERS].flatMap(sources);
  const edges = new Map<string, string[]>();
  for (const file of files) {
    const specs = staticImportsOf(file);
    edges.set(
      file,
      specs.flatMap((spec) => resolveModule(file, spec) ?? []).filter((target) => edges.has(target) || files.includes(target)),
    );
  }
  const cycles: string[] = [];
  const state = new Map<string, "open" | "done">();
  const visit = (file: string, trail: string[]): void => {
    if (state.get(file) === "done") return;
    if (state.get(file) === "open") {
      cycles.push([...trail.slice(trail.indexOf(file)), file].join(" → "));
      return;
    }
    state.set(file, "open");
    for (const target of edges.get(file) ?? []) visit(target, [...trail, file]);
    state.set(file, "done");
  };
  for (const file of files) visit(file, []);
  expect(cycles).toEqual([]);
});
