import { createHash, randomFillSync } from 'node:crypto';

/**
 * Primary keys are UUIDv7: time-ordered, so "sort by id" is "sort by creation" and a keyset
 * cursor needs only the id. The seed uses {@link seedId} so that every run yields the same ids.
 */
export function newId(at: Date = new Date()): string {
  // Monotonic within the process (RFC 9562, method 1): ids made in the same millisecond, or
  // with a clock that went back, still sort in the order they were made.
  let ms = at.getTime();
  if (ms <= last.ms) {
    ms = last.ms;
    last.seq++;
    if (last.seq > 0xfff) {
      ms = ++last.ms;
      last.seq = 0;
    }
  } else {
    last.seq = 0;
  }
  last.ms = ms;
  const rand = randomTen();
  rand[0] = (last.seq >> 8) & 0x0f; // the 12 bits after the version: the sequence
  rand[1] = last.seq & 0xff;
  return formatV7(ms, rand);
}

const last = { ms: 0, seq: 0 };

/** 10 random bytes (a copy), drawn from a pool refilled 4 KB at a time: one CSPRNG call per ~400 ids. */
const pool = Buffer.alloc(4000);
let poolOffset = pool.length;
function randomTen(): Buffer {
  if (poolOffset + 10 > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const out = Buffer.from(pool.subarray(poolOffset, poolOffset + 10));
  pool.fill(0, poolOffset, poolOffset + 10); // a drawn value never stays in the pool
  poolOffset += 10;
  return out;
}

/** A deterministic UUIDv7 for the seed world: same key, same id, on every run and machine. */
export function seedId(key: string, at: Date = SEED_EPOCH): string {
  return formatV7(at.getTime(), createHash('sha256').update(key).digest().subarray(0, 10));
}

const SEED_EPOCH = new Date('2026-01-01T00:00:00.000Z');

function formatV7(ms: number, rand: Buffer): string {
  const b = Buffer.alloc(16);
  b.writeUIntBE(ms, 0, 6);
  rand.copy(b, 6, 0, 10);
  b[6] = (b[6] & 0x0f) | 0x70; // version 7
  b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
