// The version of the installed package: the plugin reports it, and the native SDK asks the engine
// for the plugin of exactly this version. Read from package.json above this file, which sits at a
// different depth in the sources (tests) and in dist/.
import * as fs from "node:fs";
import * as path from "node:path";

export function packageVersion(packageName: string): string {
  for (let dir = __dirname; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (fs.existsSync(file)) {
      const manifest = JSON.parse(fs.readFileSync(file, "utf8"));
      if (manifest.name === packageName) return manifest.version;
    }
  }
  throw new Error(`${packageName}: its package.json was not found above ${__dirname}`);
}
