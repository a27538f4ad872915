/**
 * Structured logging: one JSON object a line with fixed fields (component, and where they apply
 * controller, key, namespace, name). Loggers are passed through constructors, never global.
 */
import { pino } from 'pino';

export interface Logger {
  info(fields: Record<string, unknown>, msg: string): void;
  warn(fields: Record<string, unknown>, msg: string): void;
  error(fields: Record<string, unknown>, msg: string): void;
  debug(fields: Record<string, unknown>, msg: string): void;
  child(fields: Record<string, unknown>): Logger;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** A logger writing JSON lines to stderr; without `component` the caller's children set it. */
export function createLogger(component: string | undefined, level: LogLevel = (process.env.K8TS_LOG_LEVEL as LogLevel) || 'info'): Logger {
  return pino(
    { level, base: component ? { component } : {}, timestamp: pino.stdTimeFunctions.isoTime, messageKey: 'msg' },
    pino.destination({ fd: 2, sync: true }),
  ) as unknown as Logger;
}

/** A logger that drops everything (for unit tests). */
export const silentLogger: Logger = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  child() {
    return silentLogger;
  },
};
