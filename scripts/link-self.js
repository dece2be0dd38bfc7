#!/usr/bin/env node
// The provider shim that Pulumi stores in state calls require("pulumi-mamutecloud/provider"), resolved
// from the provider host's working directory. In this repository that is the root, so the package
// must be reachable as node_modules/pulumi-mamutecloud (a package cannot require itself by name
// from its own root otherwise). Also exposes the package's commands as node_modules/.bin, so
// `npx mamutecloud-emulator`, `npx thecloud-emulator`, `npx shardlyn-emulator` and `npx pulumi-mamutecloud adopt` work in a
// clone exactly as they do in a user's project.
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const nodeModules = path.join(root, "node_modules");

function symlink(target, linkPath) {
  fs.mkdirSync(path.dirname(linkPath), { recursive: true });
  try {
    if (fs.readlinkSync(linkPath) === target) return;
    fs.unlinkSync(linkPath);
  } catch {
    // not a link yet
  }
  fs.symlinkSync(target, linkPath);
}

symlink("..", path.join(nodeModules, "pulumi-mamutecloud"));
// The Cloud's package, built in thecloud/ (its own package.json): programs and tests require it by name.
symlink("../thecloud", path.join(nodeModules, "pulumi-thecloud"));
symlink("../shardlyn", path.join(nodeModules, "pulumi-shardlyn"));
// The commands a clone runs with npx (their package.json "bin" entries), once built.
const commands = {
  "mamutecloud-emulator": "dist/emulator/cli.js",
  "thecloud-emulator": "thecloud/dist/thecloud/emulator/cli.js",
  "shardlyn-emulator": "shardlyn/dist/shardlyn/emulator/cli.js",
  "pulumi-mamutecloud": "dist/provider/takeover/cli.js",
};
for (const [command, file] of Object.entries(commands)) {
  const built = path.join(root, file);
  if (!fs.existsSync(built)) continue;
  fs.chmodSync(built, 0o755);
  symlink(`../pulumi-mamutecloud/${file}`, path.join(nodeModules, ".bin", command));
}
