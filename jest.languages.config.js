// `npm run test:languages`: the Python, Go and Java examples through the real `pulumi` CLI against the
// emulator, with the SDKs `npm run sdks -- --build` generated and built just before (test/e2e/languages).
// A stage of its own in .ci/run, after `npm run test:e2e`: Java's Maven runs are slow.
const base = require("./jest.e2e.config");

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ["<rootDir>/test/e2e/languages"],
  testPathIgnorePatterns: ["/node_modules/"],
};
