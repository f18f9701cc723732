import pino, { type Logger } from 'pino';

/**
 * Structured logs (pino). Anything that can carry a secret is redacted at the source: headers with
 * tokens, client secrets and passwords never reach a log line.
 */
export const REDACTED_PATHS = [
  'authorization',
  'headers.authorization',
  'headers.Authorization',
  'req.headers.authorization',
  'config.headers.Authorization',
  '*.password',
  '*.secret',
  '*.clientSecret',
  '*.token',
  '*.accessToken',
  'BOT_PASSWORD',
  'AZURE_CLIENT_SECRET',
];

export function createLogger(level: string = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: undefined },
    destination,
  );
}

export type { Logger };
