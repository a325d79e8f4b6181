import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, parse, validate } from 'graphql';

/**
 * The console (web/) uses the public API only, through operations named `Console…` written with
 * its `graphql()` function on a template literal (typed by web/codegen.ts when the console is built). Each is also validated here
 * against the committed schema (schema/schema.graphql), in the unit tests: a schema change that
 * would break the console fails here too, as `npm run example:check` does for the example.
 */
const ROOT = path.resolve(__dirname, '..', '..', '..');

function sources(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? (e.name === 'generated' ? [] : sources(path.join(dir, e.name))) : /\.tsx?$/.test(e.name) ? [path.join(dir, e.name)] : []));
}

const documents = sources(path.join(ROOT, 'web', 'src')).flatMap((file) =>
  [...fs.readFileSync(file, 'utf8').matchAll(/`\s*((?:query|mutation) Console[^`]*)`/g)].map((m) => ({ file: path.relative(ROOT, file), text: m[1] })),
);
const schema = buildSchema(fs.readFileSync(path.join(ROOT, 'schema', 'schema.graphql'), 'utf8'));

describe("the console's GraphQL operations", () => {
  it('are found, plain (no interpolation) and uniquely named', () => {
    expect(documents.length).toBeGreaterThanOrEqual(15);
    expect(documents.filter((d) => d.text.includes('${'))).toEqual([]);
    const names = documents.map((d) => /^(?:query|mutation) (\w+)/.exec(d.text)![1]);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(documents.map((d) => [/^(?:query|mutation) (\w+)/.exec(d.text)![1], d] as const))('%s is valid against schema/schema.graphql', (_name, d) => {
    expect(validate(schema, parse(d.text)).map((e) => `${d.file}: ${e.message}`)).toEqual([]);
  });
});
