// The linter (`npm run lint`, run by `npm test`): ESLint's and typescript-eslint's recommended rules
// without type information (a run takes seconds), and no import cycles (import-x), on every
// TypeScript source, test and benchmark. Each rule turned down below says why.
import eslint from "@eslint/js";
import tseslint from "typescript-eslint";
import { importX } from "eslint-plugin-import-x";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";

export default tseslint.config(
  {
    ignores: [
      "dist/**",
      "thecloud/dist/**",
      "shardlyn/dist/**",
      ".tmp/**",
      "node_modules/**",
      ".pulumi/**",
      "examples/**",
      "**/*.js",
      "**/*.mjs",
      "**/*.cjs",
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { "import-x": importX },
    settings: {
      "import-x/resolver-next": [createTypeScriptImportResolver()],
      // So that the cycle rule parses the TypeScript modules it follows.
      "import-x/parsers": { "@typescript-eslint/parser": [".ts"] },
      "import-x/extensions": [".ts"],
    },
    rules: {
      // A cycle, even of types only, means two modules that cannot be read apart: move what both need into a third.
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      // `_name` marks what is left unused on purpose (a destructured key dropped, a parameter a signature needs).
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
      // Deliberate: the shim requires the installed package at call time, the plugin and the sync load
      // modules lazily so a preview starts fast, and the SDK's `import x = require()` keeps the shim alone in state.
      "@typescript-eslint/no-require-imports": "off",
      // The validators and the XML writer match control characters on purpose (to refuse or escape them).
      "no-control-regex": "off",
    },
  },
  {
    files: ["test/**/*.ts", "bench/**/*.ts"],
    rules: {
      // Tests reach into answers and protocol messages whose shapes they are checking.
      "@typescript-eslint/no-explicit-any": "off",
    },
  },
);
