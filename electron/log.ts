/**
 * Structured logging without PHI: callers pass a fixed message and a small set of non-PHI fields (method names,
 * error codes, counts, ids). Never pass names, dates of birth, phone numbers or free text typed by a clerk.
 */
type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
let threshold: Level = (process.env.ACCESSDESK_LOG_LEVEL as Level) in order ? (process.env.ACCESSDESK_LOG_LEVEL as Level) : 'info';

function write(level: Level, msg: string, fields?: Record<string, string | number | boolean | null | undefined | string[]>) {
  if (order[level] < order[threshold]) return;
  const line = JSON.stringify({ t: new Date().toISOString(), level, msg, ...fields });
  if (level === 'error' || level === 'warn') process.stderr.write(line + '\n');
  else process.stdout.write(line + '\n');
}

export const log = {
  debug: (m: string, f?: Parameters<typeof write>[2]) => write('debug', m, f),
  info: (m: string, f?: Parameters<typeof write>[2]) => write('info', m, f),
  warn: (m: string, f?: Parameters<typeof write>[2]) => write('warn', m, f),
  error: (m: string, f?: Parameters<typeof write>[2]) => write('error', m, f),
  setLevel: (l: Level) => {
    threshold = l;
  },
};
