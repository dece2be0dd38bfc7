#!/usr/bin/env node
// The npm registry this project is built against serves only the Linux builds of some native
// optional dependencies (jest 30's @unrs/resolver-binding-*: the others answer 404). npm then
// writes a lockfile that lists those optional dependencies without entries for them, and
// `npm ci` refuses that lockfile. This drops the optional dependencies the lockfile has no entry
// for; on a registry that serves them all it changes nothing. Run it by hand after an
// `npm install <pkg>` in this repository (no install script runs it: the published package must
// carry none, or every install of it warns).
const fs = require("fs");
const path = require("path");

const lockPath = path.join(__dirname, "..", "package-lock.json");
if (!fs.existsSync(lockPath)) process.exit(0);
const text = fs.readFileSync(lockPath, "utf8");
const lock = JSON.parse(text);
const present = new Set(
  Object.keys(lock.packages ?? {}).map((key) => key.slice(key.lastIndexOf("node_modules/") + "node_modules/".length)),
);

const pruned = [];
for (const [key, entry] of Object.entries(lock.packages ?? {})) {
  const optional = entry.optionalDependencies;
  if (!optional) continue;
  for (const name of Object.keys(optional)) {
    if (!present.has(name)) {
      delete optional[name];
      pruned.push(`${name} (of ${key || "the root"})`);
    }
  }
}
if (pruned.length) {
  fs.writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
  console.log(`prune-lockfile: dropped ${pruned.length} optional dependencies the registry does not serve`);
}
