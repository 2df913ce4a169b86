// One lint for the whole project: TypeScript's recommended rules, the rules of hooks, and
// nothing about formatting (Prettier owns that, see .prettierrc.json).
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["build/", "public/build/", ".data/", "node_modules/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      // Input hygiene matches control characters on purpose (NUL, C0, bidi overrides).
      "no-control-regex": "off",
      // Local state that mirrors loader data after a navigation (search box, filters, variant picker) is deliberate.
      "react-hooks/set-state-in-effect": "off",
    },
  },
  {
    // Migrations run against the schema as it is at that point, not as db/types.ts describes it: Kysely<any>, as Kysely's docs advise.
    files: ["tenants/migrator.server.ts", "tenants/migrations/**", "db/migrations/**", "db/migrate-platform.server.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  prettier,
);
