/**
 * The pino logger. JSON lines; request lines carry reqId, operator, service, version, operation, outcome and
 * duration. Payloads and key material are never logged at info level; the redaction is a second safety net.
 */
import pino, { type Logger } from 'pino';

export function createLogger(level: string): Logger {
  return pino({
    level,
    // 'service' is a field of the request lines (the web service called), so the process is named 'app'.
    base: { app: 'esav-gateway', pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['*.key', '*.password', '*.connectionString', 'req.headers.authorization'], censor: '[redacted]' }
  });
}
