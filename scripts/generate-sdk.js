#!/usr/bin/env node
// Writes the SDKs generated from the built backends (run through `npm run schema`): sdk/native/
// (MamuteCloud's native plugin classes), sdk/generated/ (its dynamic SDK's classes) and
// thecloud/sdk/ and shardlyn/sdk/ (The Cloud's and Shardlyn's native plugin classes).
const fs = require("fs");
const path = require("path");
const { nativeSdkFiles } = require("../dist/provider/nativeSdk");
const { mamutecloud } = require("../dist/provider/mamutecloud/backend");
const { dynamicSdkFiles } = require("../dist/provider/mamutecloud/dynamicSdk");
const { thecloud } = require("../thecloud/dist/thecloud/provider/backend");
const { shardlyn } = require("../shardlyn/dist/shardlyn/provider/backend");

const root = path.join(__dirname, "..");
for (const [dir, files] of [
  [path.join(root, "sdk", "native"), nativeSdkFiles(mamutecloud)],
  [path.join(root, "sdk", "generated"), dynamicSdkFiles()],
  [path.join(root, "thecloud", "sdk"), nativeSdkFiles(thecloud)],
  [path.join(root, "shardlyn", "sdk"), nativeSdkFiles(shardlyn)],
]) {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, name), text);
    console.log(`wrote ${path.relative(process.cwd(), path.join(dir, name))}`);
  }
}
