// ESLint (flat config): typescript-eslint with type information, plus Pulumi's own rules — an
// Output in a template literal renders as a warning string instead of its value.
import pulumi from "@pulumi/eslint-plugin";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["bin/**", ".build/**", "node_modules/**", "examples/*/node_modules/**", "bench/**", "program/**", "tests/reporter.js", "testbed/nodejs-host/**"] },
    {
        files: ["src/**/*.ts", "tests/**/*.ts", "examples/**/*.ts", "testbed/**/*.ts"],
        extends: [tseslint.configs.base],
        languageOptions: { parserOptions: { project: "./tsconfig.test.json", tsconfigRootDir: import.meta.dirname } },
        plugins: { "@pulumi": pulumi },
        rules: {
            "@pulumi/no-output-in-template-literal": "error",
            "@pulumi/no-output-instance-in-template-literal": "error",
            "@typescript-eslint/no-floating-promises": "error",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
            "@typescript-eslint/no-misused-promises": "error",
        },
    },
);
