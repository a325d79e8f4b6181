/**
 * When a failed delivery is tried again: after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h
 * (the Standard Webhooks schedule: about 28 hours from the first attempt to the last), each
 * delay drawn from ±20% around its nominal value so that many failed deliveries do not come
 * back at once. null: no attempt is left (the delivery has failed for good).
 */
export const RETRY_DELAYS_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000] as const;

/** The delay before attempt `attempt + 1` after attempt `attempt` (1-based) failed; `random` in [0, 1). */
export function retryDelayMs(attempt: number, random: number = Math.random()): number | null {
  const nominal = RETRY_DELAYS_MS[attempt - 1];
  if (nominal === undefined) return null;
  return Math.round(nominal * (0.8 + 0.4 * random));
}
