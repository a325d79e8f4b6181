// ESLint for the whole repo (src, tests, scripts, seeds, ormconfig.ts): typescript-eslint's
// type-aware recommended rules, so a promise nobody awaits and an `any` that leaks into typed
// code are errors. `npm run lint` runs this and `prettier --check .`; CI fails on either.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** The Node.js globals the few plain .js/.cjs files use (no `globals` package is installed). */
const nodeGlobals = Object.fromEntries(['require', 'module', 'exports', '__dirname', '__filename', 'process', 'console', 'Buffer'].map((name) => [name, 'readonly']));

export default defineConfig(
  globalIgnores(['dist/', 'node_modules/', 'data/', 'coverage/', 'examples/src/generated/', 'examples/dist/', 'web/dist/', 'web/node_modules/', 'web/src/generated/']),
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Imports stand at the top of a file, before any statement (what eslint-plugin-import's
      // `import/first` checks; no plugin offering it is installed). TypeScript compiles to
      // CommonJS in source order, so an import below a statement would also run after it.
      'no-restricted-syntax': [
        'error',
        {
          selector: 'Program > :not(ImportDeclaration, TSImportEqualsDeclaration) ~ ImportDeclaration',
          message: 'Imports go at the top of the file, before any other statement.',
        },
      ],
      // A promise is awaited, returned, or handed to something that handles its rejection;
      // `void p` marks the rare deliberate fire-and-forget.
      '@typescript-eslint/no-floating-promises': 'error',
      // An async function passed where a callback's result is ignored (an event handler, a
      // forEach) drops its rejection.
      '@typescript-eslint/no-misused-promises': 'error',
      // `_`-prefixed parameters are the resolvers' and rules' positional arguments they ignore
      // (graphql-shield rules receive (parent, args, ctx, info)).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // Apollo's plugin hooks, its KeyValueCache and our stores implement promise-returning
      // interfaces: an async method without await is how they are written (not a mistake).
      '@typescript-eslint/require-await': 'off',
      // The hub logs through pino (structured, with the request id); a test prints only where a
      // comment says why.
      'no-console': 'error',
    },
  },
  {
    // The command-line tools (migrate, seed, token, benchmarks) and the integrator's example
    // (examples/, its own tsconfig.json) talk to their user on the console.
    files: ['scripts/**', 'seeds/**', 'examples/**', 'web/scripts/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // The console (web/, its own package and tsconfig.json): browser code, type-checked against web/tsconfig.json.
    files: ['web/src/**'],
    languageOptions: { globals: Object.fromEntries(['window', 'document', 'fetch', 'sessionStorage', 'URLSearchParams', 'CustomEvent', 'Event'].map((name) => [name, 'readonly'])) },
  },
  {
    // Tests assert on JSON answers (`r.body.data.x`), which are `any` by nature: reading them is
    // the point of the test, so the no-unsafe-* family is relaxed there, and only there.
    files: ['tests/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      // Tests compare stored strings (rows read with SQL, JSON answers) with the enums' members.
      '@typescript-eslint/no-unsafe-enum-comparison': 'off',
      // Failure messages interpolate whatever the answer held (codes, paths, nulls).
      '@typescript-eslint/restrict-template-expressions': ['error', { allowAny: true, allowArray: true, allowNullish: true, allowNumber: true, allowBoolean: true }],
    },
  },
  {
    // Plain JavaScript (jest.config.js, scripts/*.cjs): CommonJS, outside the TypeScript project.
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { sourceType: 'commonjs', globals: nodeGlobals },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { sourceType: 'module', globals: { ...nodeGlobals, URL: 'readonly' } },
  },
);
