#!/usr/bin/env node
// `npm run example [-- <name>]`: installs examples/<name> (default basic) with the package as built
// from this clone's current source, the way a user gets it: built, packed with `npm pack`, and
// installed from the tarball. Works from a fresh clone (it installs the repository's own tools
// first when they are missing); run it again after changing the source to refresh the example.
const { execFileSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const name = process.argv[2] ?? "basic";
const example = path.join(root, "examples", name);
if (!fs.existsSync(path.join(example, "package.json"))) {
  console.error(`install-example: no example named ${JSON.stringify(name)} (examples/${name}/package.json is missing)`);
  process.exit(2);
}
// The example's package.json takes each of this repository's packages it uses from .tmp/<package>.tgz.
const PACKAGES = {
  "pulumi-mamutecloud": root,
  "pulumi-thecloud": path.join(root, "thecloud"),
  "pulumi-shardlyn": path.join(root, "shardlyn"),
};
const dependencies = Object.keys(JSON.parse(fs.readFileSync(path.join(example, "package.json"), "utf8")).dependencies ?? {});
const packages = Object.entries(PACKAGES).filter(([pkg]) => dependencies.includes(pkg));
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const run = (args, cwd) =>
  execFileSync(npm, args, { cwd, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8", shell: process.platform === "win32" });

if (!fs.existsSync(path.join(root, "node_modules", "typescript"))) {
  console.log("install-example: installing the repository's tools (npm ci)");
  run(["ci", "--no-audit", "--no-fund", "--loglevel=error"], root);
}
console.log(`install-example: building and packing ${packages.map(([pkg]) => pkg).join(" and ")}`);
run(["run", "build", "--silent"], root);
fs.mkdirSync(path.join(root, ".tmp"), { recursive: true });
for (const [pkg, folder] of packages) {
  const packDir = fs.mkdtempSync(path.join(root, ".tmp", "pack-"));
  try {
    const packed = run(["pack", "--ignore-scripts", "--silent", "--pack-destination", packDir], folder).trim().split("\n").pop();
    fs.renameSync(path.join(packDir, packed), path.join(root, ".tmp", `${pkg}.tgz`));
  } finally {
    fs.rmSync(packDir, { recursive: true, force: true });
  }
  // npm keeps an installed tarball dependency whose file changed; remove it so the new one goes in.
  fs.rmSync(path.join(example, "node_modules", pkg), { recursive: true, force: true });
}
fs.rmSync(path.join(example, "package-lock.json"), { force: true });
console.log(`install-example: installing examples/${name}`);
run(["install", "--no-audit", "--no-fund", "--loglevel=error"], example);
console.log(`install-example: examples/${name} is ready (cd examples/${name}; the README's quick start goes on from there)`);
