/** Structured JSON lines on stderr. Never pass a token, key or personal value. */
export function log(level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown> = {}): void {
  if (process.env.LOG_LEVEL === 'silent' || (process.env.NODE_ENV === 'test' && !process.env.LOG_LEVEL)) return;
  process.stderr.write(JSON.stringify({ level, time: new Date().toISOString(), msg, ...fields }) + '\n');
}
