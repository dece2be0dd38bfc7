// The shape of the tree that keeps each room fitting what it holds (issue 20): the provider never
// imports the SDK, the sync layer imports no resource kind, and a source file over 400 lines says
// at its top why it is one file.
import * as fs from "node:fs";
import * as path from "node:path";

const root = path.resolve(__dirname, "..", "..");

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) return rel === path.join("sdk", "native") || rel === path.join("sdk", "generated") ? [] : sources(rel);
    return entry.name.endsWith(".ts") ? [rel] : [];
  });
}

const importsOf = (file: string) => {
  const text = fs.readFileSync(path.join(root, file), "utf8");
  return [...text.matchAll(/^import [^;]*?from "([^"]+)";/gms), ...text.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]);
};

test("no module of provider/ imports the SDK, but the plugin's Construct, which runs the SDK's component", () => {
  const offending = sources("provider").filter((file) =>
    importsOf(file).some((spec) => path.resolve(root, path.dirname(file), spec).startsWith(path.join(root, "sdk"))),
  );
  expect(offending).toEqual([path.join("provider", "plugin", "construct.ts")]);
});

test("no module of provider/sync/ imports a resource kind's module", () => {
  const offending = sources(path.join("provider", "sync")).filter((file) =>
    importsOf(file).some((spec) => /(^|\/)resources(\/|$)/.test(spec)),
  );
  expect(offending).toEqual([]);
});

test("a source file over 400 lines says at its top why it is one file", () => {
  const long = ["provider", "sdk", "emulator"].flatMap(sources).filter((file) => {
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
