import pino, { Logger } from 'pino';

/**
 * Structured JSON logs. What goes in: request id, actor id, operation name, duration,
 * outcome, error codes. What never goes in: a token, a key, a variable, a personal value.
 */
export function createLogger(level: string): Logger {
  return pino({
    level: level === 'silent' ? 'silent' : level,
    base: { service: 'partner-hub' },
    timestamp: pino.stdTimeFunctions.isoTime,
    // A last line of defence, should a header or a body ever be passed by mistake.
    redact: { paths: ['req.headers.authorization', 'authorization', 'token', 'secret', 'variables', '*.password'], censor: '[redacted]' },
  });
}

export type { Logger };
