#!/usr/bin/env node
// Writes each package's schema.json from its built backend (run through `npm run schema`):
// schema.json (MamuteCloud), thecloud/schema.json (The Cloud) and shardlyn/schema.json (Shardlyn).
const fs = require("fs");
const path = require("path");
const { schemaText } = require("../dist/provider/schema");
const { mamutecloud } = require("../dist/provider/mamutecloud/backend");
const { thecloud } = require("../thecloud/dist/thecloud/provider/backend");
const { shardlyn } = require("../shardlyn/dist/shardlyn/provider/backend");

const root = path.join(__dirname, "..");
for (const [backend, folder] of [
  [mamutecloud, root],
  [thecloud, path.join(root, "thecloud")],
  [shardlyn, path.join(root, "shardlyn")],
]) {
  const { version } = require(path.join(folder, "package.json"));
  const target = path.join(folder, "schema.json");
  fs.writeFileSync(target, schemaText(backend, version));
  console.log(`wrote ${path.relative(process.cwd(), target)}`);
}
