/**
 * The pino logger. JSON lines; request lines carry reqId, operator, service, version, operation, outcome and
 * duration. Payloads and key material are never logged at info level; the redaction is a second safety net.
 */
import pino, { type Logger } from 'pino';

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'esav-gateway' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['*.key', '*.password', '*.connectionString', 'req.headers.authorization'], censor: '[redacted]' }
  });
}
