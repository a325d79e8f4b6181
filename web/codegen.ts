// GraphQL Code Generator for the console (web/): the TypeScript types of its operations, from
// the committed schema (schema/schema.graphql). Run from the repository root with the root's
// @graphql-codegen (`npm run console:codegen`; scripts/console-build.sh runs it before every
// build). The output, web/src/generated/, is generated, not committed.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  documents: ['web/src/**/*.ts', 'web/src/**/*.tsx', '!web/src/generated/**'],
  ignoreNoDocuments: false,
  generates: {
    'web/src/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        // Plain strings sent by fetch: no graphql AST (and no graphql package) in the bundle.
        documentMode: 'string',
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTimeISO: 'string', JSONObject: 'Record<string, unknown>' },
      },
    },
  },
};

export default config;
