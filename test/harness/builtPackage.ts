// A cloud package's build as its tarball holds it (`<folder>/dist`): the modules built, and the
// packages its entry points load, which its package.json must declare.
import * as fs from "node:fs";
import { builtinModules } from "node:module";
import * as path from "node:path";

/** Every module built, relative to `<folder>/dist`. */
export function builtModules(folder: string): string[] {
  const dist = path.join(folder, "dist");
  return (fs.readdirSync(dist, { recursive: true }) as string[]).filter((file) => file.endsWith(".js")).map((file) => path.normalize(file));
}

/**
 * The packages the package's entry points (main, bins, the emulator export) load, following every
 * relative `require` (a type-only import compiles a module that nothing loads), that its
 * package.json declares neither as a dependency nor as a peer.
 */
export function undeclaredPackages(folder: string): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(folder, "package.json"), "utf8"));
  const required = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [, spec] of fs.readFileSync(file, "utf8").matchAll(/require\("([^"]+)"\)/g)) {
      if (spec.startsWith(".")) {
        const base = path.resolve(path.dirname(file), spec);
        visit(
          [`${base}.js`, path.join(base, "index.js"), base].find(
            (candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile(),
          )!,
        );
      } else if (!spec.startsWith("node:")) required.add(spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]);
    }
  };
  for (const entry of [pkg.main, ...Object.values(pkg.bin as Record<string, string>), pkg.exports["./emulator"].default]) {
    visit(path.join(folder, entry));
  }
  const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
  return [...required].filter((name) => !declared.has(name) && !builtinModules.includes(name)).sort();
}
