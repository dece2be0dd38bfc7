#!/usr/bin/env node
// Writes sdk/native/ (the native plugin's TypeScript SDK) from the built resource definitions
// (run through `npm run schema`).
const fs = require("fs");
const path = require("path");
const { nativeSdkFiles } = require("../dist/provider/nativeSdk");

const dir = path.join(__dirname, "..", "sdk", "native");
for (const [name, text] of Object.entries(nativeSdkFiles())) {
  fs.writeFileSync(path.join(dir, name), text);
  console.log(`wrote ${path.relative(process.cwd(), path.join(dir, name))}`);
}
