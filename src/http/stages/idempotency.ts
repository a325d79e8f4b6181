import { DataSource } from 'typeorm';
import { ErrorCode } from '../../common/errors';
import { SecretBox } from '../../common/secret-box';
import { abandonIdempotent, startIdempotent } from '../../modules/idempotency/idempotency.service';
import { Exchange, Refusal, refusal } from './exchange';

export interface IdempotencyDeps {
  dataSource: DataSource;
  secrets: SecretBox;
}

/**
 * idempotency: a mutation with an Idempotency-Key acts once. Keyed on the document that
 * executes: a mutation sent by its APQ hash alone is the same request as the one that sent its
 * text, and a retry by hash never acts twice. A retry executes again on the normal path (limits,
 * time, audit, field rules, the gate) with the stored outcome in place of the mutations.
 */
export function idempotency(deps: IdempotencyDeps) {
  return async function idempotency(x: Exchange): Promise<Refusal | undefined> {
    const header = x.headers['idempotency-key'];
    const source = x.source!;
    const executed = source.kind === 'text' ? { query: source.query, variables: x.params.variables, operationName: x.params.operationName } : (x.body ?? x.params);
    const context = x.context!;
    const idem = await startIdempotent(deps.dataSource, deps.secrets, context.actor, Array.isArray(header) ? header.join(',') : header, executed, x.now!);
    x.idempotency = idem;
    switch (idem.kind) {
      case 'invalid-key':
        return refusal(400, ErrorCode.BAD_USER_INPUT, 'Idempotency-Key: must be 1 to 255 printable ASCII characters', { field: 'Idempotency-Key' });
      case 'mismatch':
        return refusal(400, ErrorCode.BAD_USER_INPUT, 'Idempotency-Key: this key was used with a different request in the last 24 hours', { field: 'Idempotency-Key' });
      case 'in-progress':
        return refusal(409, ErrorCode.CONFLICT, 'Idempotency-Key: the first request with this key is still running; retry later');
      case 'answered':
        // Given once only (a new key's secret): the stored refusal, and nothing executes.
        x.responseHeaders['idempotency-replayed'] = 'true';
        return { status: idem.status, code: '', message: '', stored: idem.body };
      case 'replay':
      case 'started':
        if (idem.kind === 'replay') x.responseHeaders['idempotency-replayed'] = 'true';
        context.idempotency = idem.run;
    }
    return undefined;
  };
}

/** The key of a request that will not finish is freed: a retry may act. */
export async function abandon(deps: IdempotencyDeps, x: Exchange): Promise<void> {
  if (x.idempotency?.kind === 'started') await abandonIdempotent(deps.dataSource, x.idempotency.recordId);
}
