// Response helpers that reproduce FastAPI/Starlette wire details: compact JSON
// bodies, the {"detail": ...} envelope, and the `server: uvicorn` header.
import { gzipSync } from 'node:zlib';
import { pyDumps } from './python-json.mjs';

const MAX_BODY_BYTES = 32 * 1024 * 1024;

export function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Parses JSON without throwing: {ok:true,value} | {ok:false,error}. */
export function tryParseJson(buffer) {
  const text = buffer.toString('utf8');
  if (text.trim() === '') return { ok: false, empty: true, error: 'empty body' };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: error.message };
  }
}

export function sendJson(res, status, body, headers = {}) {
  if (res.headersSent || res.destroyed) return;
  const payload = Buffer.from(JSON.stringify(body));
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': payload.length,
    server: 'uvicorn',
    ...headers,
  });
  res.end(payload);
}

/** FastAPI HTTPException envelope. */
export function sendDetail(res, status, detail, headers) {
  sendJson(res, status, { detail }, headers);
}

/**
 * Langflow's compress_response(): Python json.dumps, gzip, always (it ignores
 * Accept-Encoding). A client without automatic decompression reads gzip bytes.
 */
export function sendGzipJson(res, status, body) {
  if (res.headersSent || res.destroyed) return;
  const payload = gzipSync(Buffer.from(pyDumps(body)), { level: 6 });
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-encoding': 'gzip',
    vary: 'Accept-Encoding',
    'content-length': payload.length,
    server: 'uvicorn',
  });
  res.end(payload);
}

/** FastAPI RequestValidationError body: 422 with a list of pydantic-style errors. */
export function sendValidationErrors(res, errors) {
  sendJson(res, 422, { detail: errors });
}

export function missingField(loc, input) {
  return { type: 'missing', loc, msg: 'Field required', input };
}

export function stringTypeError(loc, input) {
  return { type: 'string_type', loc, msg: 'Input should be a valid string', input };
}

export function valueError(loc, message, input) {
  return { type: 'value_error', loc, msg: `Value error, ${message}`, input, ctx: { error: {} } };
}

export function jsonInvalidError(message) {
  return { type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error', input: {}, ctx: { error: message } };
}

export function uuidError(loc, input) {
  return {
    type: 'uuid_parsing',
    loc,
    msg: 'Input should be a valid UUID, unable to parse string as a UUID',
    input,
    ctx: { error: 'unable to parse string as a UUID' },
  };
}

const UUID_DASHED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UUID_PLAIN = /^[0-9a-f]{32}$/i;

/** Python's UUID() accepts dashed, plain-hex, braced and urn forms; returns canonical or null. */
export function parseUuid(text) {
  if (typeof text !== 'string') return null;
  let s = text.trim();
  if (s.toLowerCase().startsWith('urn:uuid:')) s = s.slice(9);
  if (s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1);
  if (UUID_DASHED.test(s)) return s.toLowerCase();
  if (UUID_PLAIN.test(s)) {
    const h = s.toLowerCase();
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  return null;
}

export function isPlainObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function isoNow() {
  return new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00');
}
