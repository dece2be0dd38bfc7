// `npm run test:e2e`: the suite that runs the real `pulumi` CLI (.pulumi/bin, `npm run
// pulumi:install`) against the emulator. Apart from `npm test` so that each stays well within its
// time on 2 cores; .ci/run runs both.
const base = require("./jest.config");

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  // With the package as `npm pack` makes it installed in a fresh project (test/package/).
  roots: ["<rootDir>/test/e2e", "<rootDir>/test/package"],
  // The other languages' examples run in their own stage (jest.languages.config.js).
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/e2e/languages/"],
  // A whole stack's up, previews, refresh and destroy through the CLI.
  testTimeout: 300000,
};
