#!/usr/bin/env node
// Writes schema.json from the built resource definitions (run through `npm run schema`).
const fs = require("fs");
const path = require("path");
const { schemaText } = require("../dist/provider/schema");
const { version } = require("../package.json");

const target = path.join(__dirname, "..", "schema.json");
fs.writeFileSync(target, schemaText(version));
console.log(`wrote ${path.relative(process.cwd(), target)}`);
