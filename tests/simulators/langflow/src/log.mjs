// JSON-lines logger. Secrets (API keys, bearer tokens, cookies) are redacted before
// anything is written, because CI logs are shared.

const SECRET_HEADERS = new Set(['x-api-key', 'authorization', 'cookie', 'set-cookie']);

export function redactHeaders(headers = {}) {
  const out = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = SECRET_HEADERS.has(name.toLowerCase()) ? '[redacted]' : value;
  }
  return out;
}

export function redactUrl(url) {
  return url.replace(/([?&]x-api-key=)[^&]*/gi, '$1[redacted]');
}

export function createLogger({ level = 'info', stream = process.stdout } = {}) {
  const enabled = (lvl) => level !== 'silent' && (lvl !== 'debug' || level === 'debug');
  const write = (lvl, msg, fields = {}) => {
    if (!enabled(lvl)) return;
    stream.write(`${JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...fields })}\n`);
  };
  return {
    debug: (msg, fields) => write('debug', msg, fields),
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
  };
}
