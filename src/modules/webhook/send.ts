import http from 'node:http';
import https from 'node:https';
import { Webhook } from 'standardwebhooks';
import { AddressRules, resolveWebhookUrl, WebhookUrlRefused } from './address-guard';

export interface SendOptions extends AddressRules {
  /** Time limit of one attempt, connection to last byte. */
  timeoutMs: number;
  /** How much of the response body is read (the rest is dropped). */
  maxResponseBytes: number;
}

export interface SendOutcome {
  ok: boolean;
  /** The HTTP status, null when there was none (refused, unreachable, timed out). */
  status: number | null;
  durationMs: number;
  /** Why it failed, in a few words for the delivery log; never the response body. */
  error: string | null;
}

/**
 * One signed delivery attempt (Standard Webhooks: webhook-id, webhook-timestamp,
 * webhook-signature, signed by the `standardwebhooks` library). The URL is checked and
 * resolved first (address-guard.ts) and the connection goes to the checked address; a redirect
 * is a failure and is not followed; the attempt has a time limit, and at most maxResponseBytes
 * of the answer are read. Only a 2xx status counts as delivered.
 */
export async function sendSigned(rawUrl: string, secret: string, messageId: string, timestamp: Date, body: string, options: SendOptions, otherSecrets: string[] = []): Promise<SendOutcome> {
  const started = Date.now();
  const took = () => Date.now() - started;
  let target;
  try {
    target = await resolveWebhookUrl(rawUrl, options);
  } catch (e) {
    if (e instanceof WebhookUrlRefused) return { ok: false, status: null, durationMs: took(), error: `refused: the URL ${e.message}` };
    throw e;
  }
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'license-partner-hub-webhooks',
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    // During a rotation's overlap both secrets sign: a receiver with either verifies (space-separated signatures).
    'webhook-signature': [secret, ...otherSecrets].map((s) => new Webhook(s).sign(messageId, timestamp, body)).join(' '),
  };
  const client = target.url.protocol === 'https:' ? https : http;
  return new Promise<SendOutcome>((resolve) => {
    let settled = false;
    const done = (o: Omit<SendOutcome, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...o, durationMs: took() });
    };
    const req = client.request(
      target.url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        // The checked address, never a second resolution of the name.
        lookup: (_host, _opts, cb) =>
          (_opts as { all?: boolean }).all
            ? (cb as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: target.address, family: target.family }])
            : cb(null, target.address, target.family),
      },
      (res) => {
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > options.maxResponseBytes) res.destroy();
        });
        const status = res.statusCode ?? 0;
        const outcome = () =>
          done({ ok: status >= 200 && status < 300, status, error: status >= 300 && status < 400 ? 'redirect not followed' : status >= 200 && status < 300 ? null : `HTTP ${status}` });
        res.on('end', outcome);
        res.on('close', outcome);
        res.on('error', outcome);
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      done({ ok: false, status: null, error: `no answer within ${options.timeoutMs} ms` });
    }, options.timeoutMs);
    req.on('error', (e: NodeJS.ErrnoException) => done({ ok: false, status: null, error: e.code ?? 'connection failed' }));
    req.end(body);
  });
}
