#!/usr/bin/env node
// The provider shim that Pulumi stores in state calls require("pulumi-mamutecloud/provider"), resolved
// from the provider host's working directory. In this repository that is the root, so the package
// must be reachable as node_modules/pulumi-mamutecloud (a package cannot require itself by name
// from its own root otherwise). Also exposes the package's commands as node_modules/.bin, so
// `npx mamutecloud-emulator` and `npx pulumi-mamutecloud adopt` work in a clone exactly as they do
// in a user's project.
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
const cli = path.join(root, "dist", "emulator", "cli.js");
if (fs.existsSync(cli)) {
  fs.chmodSync(cli, 0o755);
  symlink("../pulumi-mamutecloud/dist/emulator/cli.js", path.join(nodeModules, ".bin", "mamutecloud-emulator"));
}
const adopt = path.join(root, "dist", "provider", "takeover", "cli.js");
if (fs.existsSync(adopt)) {
  fs.chmodSync(adopt, 0o755);
  symlink("../pulumi-mamutecloud/dist/provider/takeover/cli.js", path.join(nodeModules, ".bin", "pulumi-mamutecloud"));
}
