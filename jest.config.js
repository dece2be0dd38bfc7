// The AWS SDK warns, once per loaded copy (so once per test file), that its releases after January
// 2027 need Node 22. It is a notice about future SDK versions, not a failure; the tests that use
// the SDK run on every supported Node. Its own switch turns off that one warning and nothing else.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  // The real-CLI suite runs apart: `npm run test:e2e` (jest.e2e.config.js), with the packed-install
  // test (test/package/: npm pack and a fresh install, a minute), so that this suite stays within 10 minutes.
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/e2e/", "<rootDir>/test/package/"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.jest.json" }] },
  // Tests start servers and provider hosts; two workers match the two cores.
  maxWorkers: 2,
  testTimeout: 60000,
};
