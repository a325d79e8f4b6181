// GraphQL Code Generator for the integrator's example (examples/): the TypeScript types of its
// operations, from the committed schema (schema/schema.graphql). The output is generated, not
// committed (examples/src/generated/ is ignored): `npm run example:check` generates it and
// type-checks the example, so a schema change that breaks the example fails CI.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  // EXAMPLE_SCHEMA: another SDL to check the example against (tests/e2e/example-client.test.ts).
  schema: process.env.EXAMPLE_SCHEMA ?? 'schema/schema.graphql',
  documents: ['examples/src/**/*.ts', '!examples/src/generated/**'],
  ignoreNoDocuments: false,
  generates: {
    'examples/src/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        // Plain strings: graphql-request sends them as they are; no graphql AST at run time.
        documentMode: 'string',
        // The example is ESM (NodeNext): relative imports carry their .js extension.
        emitLegacyCommonJSImports: false,
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTimeISO: 'string' },
      },
    },
  },
};

export default config;
