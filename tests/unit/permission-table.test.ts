// A diff in this snapshot is a change of who sees what: review it as a permission change, never just refresh it.
//
// The snapshot is the committed text file tests/unit/permission-table.snapshot.txt (in the source
// tree, not next to the compiled test in dist/). After a reviewed permission change, rewrite it with
//   UPDATE_PERMISSION_SNAPSHOT=1 npx jest dist/tests/unit/permission-table.test.js
// and commit the diff together with the change, so that the review sees both.
import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { and, chain, IRule, not, or } from 'graphql-shield';
import { checkPermissionTable } from '../../src/policy/apply-permissions';
import { PERMISSIONS } from '../../src/policy/permission-table';
import { PUBLIC, SECRET } from '../../src/policy/rules';
import { buildBareSchema } from '../../src/schema';

const SNAPSHOT = path.resolve(__dirname, '../../../tests/unit/permission-table.snapshot.txt');

type Table = Record<string, Record<string, IRule>>;

/** A copy of the table that a test may doctor without touching the real one. */
function copy(): Table {
  return Object.fromEntries(Object.entries(PERMISSIONS).map(([type, fields]) => [type, { ...fields }]));
}

/** A rule's readable name: graphql-shield rules carry `name`; logic rules are spelled out. */
function ruleName(r: unknown): string {
  const named = (r as { name?: unknown }).name;
  if (typeof named === 'string' && named) return named;
  const kind = (r as object).constructor?.name ?? 'unknown';
  const inner = (r as { rules?: unknown[] }).rules ?? [];
  const logic: Record<string, string> = { RuleTrue: 'allow', RuleFalse: 'deny', RuleAnd: 'and', RuleOr: 'or', RuleChain: 'chain', RuleRace: 'race', RuleNot: 'not' };
  const label = logic[kind] ?? kind;
  return inner.length || !['allow', 'deny'].includes(label) ? `${label}(${inner.map(ruleName).join(', ')})` : label;
}

/** "Type.field: RULE", one line per field of the table, sorted. */
function snapshotLines(table: Table = PERMISSIONS): string[] {
  return Object.entries(table)
    .flatMap(([type, fields]) => Object.entries(fields).map(([field, r]) => `${type}.${field}: ${ruleName(r)}`))
    .sort();
}

describe('the permission table', () => {
  it('names every field of every object type of the schema, and nothing else', () => {
    expect(checkPermissionTable(buildBareSchema())).toEqual([]);
  });

  describe('its check reports a doctored table', () => {
    const schema = () => buildBareSchema();

    it('a field of the schema without a rule', () => {
      const t = copy();
      delete t.PortalUser.email;
      expect(checkPermissionTable(schema(), t)).toEqual(['PortalUser.email has no rule in the permission table']);
    });

    it('a type of the schema without an entry', () => {
      const t = copy();
      delete t.Contract;
      expect(checkPermissionTable(schema(), t)).toEqual(['type Contract has no entry in the permission table']);
    });

    it('a rule for a field that the schema does not have', () => {
      const t = copy();
      t.License.serialNumber = PUBLIC;
      expect(checkPermissionTable(schema(), t)).toEqual(['License.serialNumber is in the permission table but not in the schema']);
    });

    it('a rule for a type that the schema does not have', () => {
      const t = copy();
      t.Invoice = { id: PUBLIC };
      expect(checkPermissionTable(schema(), t)).toEqual(['type Invoice is in the permission table but not in the schema']);
    });

    it("an interface key ('Node'), which graphql-shield would silently ignore", () => {
      const t = copy();
      t.Node = { id: PUBLIC };
      const problems = checkPermissionTable(schema(), t);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^Node is an interface/);
    });

    it("a wildcard '*', which would allow every field not named", () => {
      const t = copy();
      t.License['*'] = PUBLIC;
      const problems = checkPermissionTable(schema(), t);
      expect(problems).toContain('License has a wildcard rule: name every field instead');
      expect(problems.every((p) => p.startsWith('License'))).toBe(true);
    });

    it('a not() rule, which allows when its inner rule throws, also nested inside and()/or()/chain()', () => {
      const t = copy();
      // Logic rules are ShieldRules, not IRules: the table's type would refuse them, a careless cast would not.
      t.License.activationKey = not(SECRET) as unknown as IRule;
      t.Computer.hostId = and(PUBLIC, or(PUBLIC, not(SECRET))) as unknown as IRule;
      t.Contract.documentRef = chain(PUBLIC, SECRET) as unknown as IRule;
      expect(checkPermissionTable(schema(), t).sort()).toEqual([
        'Computer.hostId uses not(), which allows when its rule throws',
        "Contract.documentRef: permission rules must be plain graphql-shield rule()s with cache 'no_cache' (got RuleChain)",
        'License.activationKey uses not(), which allows when its rule throws',
      ]);
    });
  });

  it('matches the committed snapshot of who reads what (tests/unit/permission-table.snapshot.txt)', () => {
    const text = snapshotLines().join('\n') + '\n';
    if (process.env.UPDATE_PERMISSION_SNAPSHOT === '1') {
      fs.writeFileSync(SNAPSHOT, text);
      return;
    }
    if (!fs.existsSync(SNAPSHOT)) throw new Error(`${SNAPSHOT} is missing: create it with UPDATE_PERMISSION_SNAPSHOT=1 and review it`);
    expect(text).toBe(fs.readFileSync(SNAPSHOT, 'utf8'));
  });

  it('names every rule in the snapshot (no anonymous rule can hide in it)', () => {
    const unnamed = snapshotLines().filter((l) => /: (unknown|Rule[A-Za-z]*)(\(|$)/.test(l));
    expect(unnamed).toEqual([]);
  });
});
