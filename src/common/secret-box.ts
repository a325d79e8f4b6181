import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * Encrypts secrets that must be shown again later (license activation keys) with AES-256-GCM,
 * and derives a keyed digest for uniqueness and lookup. API keys are not stored this way:
 * they are shown once and only their SHA-256 hash is kept.
 */
export class SecretBox {
  private readonly encKey: Buffer;
  private readonly macKey: Buffer;

  constructor(secret: string) {
    if (!secret || secret.length < 32) throw new Error('SECRETS_KEY must be at least 32 characters');
    const root = createHash('sha256').update(secret).digest();
    this.encKey = createHmac('sha256', root).update('enc').digest();
    this.macKey = createHmac('sha256', root).update('mac').digest();
  }

  /** "v1.<iv>.<tag>.<ciphertext>", base64url parts. */
  seal(plain: string, iv: Buffer = randomBytes(12)): string {
    const cipher = createCipheriv('aes-256-gcm', this.encKey, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  open(sealed: string): string {
    const [v, iv, tag, body] = sealed.split('.');
    if (v !== 'v1' || !iv || !tag || body === undefined) throw new Error('not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.encKey, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }

  digest(value: string): string {
    return createHmac('sha256', this.macKey).update(value).digest('hex');
  }
}

/** SHA-256 hex, for API key secrets (high-entropy, so a plain hash is enough). */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
