import fs from 'node:fs';
import path from 'node:path';
import { printHubSchema } from '../../src/schema';

describe('the committed SDL', () => {
  it('is exactly the schema the server builds (run `npm run schema` and review the diff)', () => {
    const committed = fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'schema', 'schema.graphql'), 'utf8');
    expect(printHubSchema()).toBe(committed);
  });

  it('names every type and field of docs/api.md', () => {
    const sdl = printHubSchema();
    const expectFields = (type: string, fields: string[]) => {
      const block = new RegExp(`(type|interface) ${type}( implements [^{]+)? \\{([^}]*)\\}`).exec(sdl)?.[3] ?? '';
      for (const f of fields) expect(`${type}.${f}: ${new RegExp(`^\\s+${f}[(:]`, 'm').test(block)}`).toBe(`${type}.${f}: true`);
    };
    expectFields('Query', ['viewer', 'node', 'nodes', 'organization', 'organizations', 'customers', 'products', 'license', 'licenses', 'contracts', 'auditEvents']);
    expectFields('Organization', [
      'id',
      'kind',
      'name',
      'country',
      'processingCountries',
      'address',
      'phone',
      'email',
      'users',
      'customers',
      'distributors',
      'licenses',
      'computers',
      'contracts',
      'transferBasis',
      'personalDataAccess',
    ]);
    expectFields('PostalAddress', ['street', 'postalCode', 'city', 'country']);
    expectFields('TransferDecision', ['allowed', 'reason', 'basis', 'contract', 'validUntil']);
    expectFields('PortalUser', ['id', 'name', 'email', 'phone', 'role', 'status', 'organization', 'consentGivenAt', 'consentWithdrawnAt']);
    expectFields('Product', ['id', 'sku', 'name', 'licenseModel']);
    expectFields('License', ['id', 'product', 'seats', 'seatsUsed', 'status', 'validFrom', 'validUntil', 'distributor', 'customer', 'licensee', 'activationKey', 'activations']);
    expectFields('Computer', ['id', 'name', 'hostId', 'os', 'organization', 'activations']);
    expectFields('Activation', ['id', 'license', 'computer', 'activatedAt', 'deactivatedAt', 'activatedBy']);
    expectFields('Contract', ['id', 'distributor', 'type', 'status', 'signedAt', 'effectiveFrom', 'expiresAt', 'terminatedAt', 'documentRef', 'inForce']);
    expectFields('AuditEvent', ['id', 'at', 'requestId', 'actorType', 'actorId', 'actorOrganization', 'action', 'subjectType', 'subjectId', 'fields', 'purpose', 'outcome']);
    expectFields('PageInfo', ['hasNextPage', 'endCursor']);
    expectFields('LicenseConnection', ['edges', 'nodes', 'pageInfo', 'totalCount']);
    const basis = /enum TransferBasis \{([^}]*)\}/.exec(sdl)?.[1].replace(/"""[\s\S]*?"""|"[^"\n]*"/g, '') ?? '';
    expect(basis.split(/\s+/).filter(Boolean)).toEqual(['ADEQUACY', 'DPA', 'DPF_CERTIFICATION', 'EEA', 'NONE', 'NOT_REQUIRED', 'PRIVACY_SHIELD', 'SCC_2010', 'SCC_2021']);
  });
});
