import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { printHubSchema } from '../src/schema';

/** Writes the sorted SDL to schema/schema.graphql (commit it; a test fails when it drifts). */
const file = path.resolve(__dirname, '..', '..', 'schema', 'schema.graphql');
fs.writeFileSync(file, printHubSchema());
process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
