#!/usr/bin/env node
// Writes the SDKs generated from the built resource definitions (run through `npm run schema`):
// sdk/native/ (the native plugin's classes) and sdk/generated/ (the dynamic SDK's classes).
const fs = require("fs");
const path = require("path");
const { nativeSdkFiles } = require("../dist/provider/nativeSdk");
const { dynamicSdkFiles } = require("../dist/provider/dynamicSdk");

for (const [folder, files] of [
  ["native", nativeSdkFiles()],
  ["generated", dynamicSdkFiles()],
]) {
  const dir = path.join(__dirname, "..", "sdk", folder);
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, name), text);
    console.log(`wrote ${path.relative(process.cwd(), path.join(dir, name))}`);
  }
}
