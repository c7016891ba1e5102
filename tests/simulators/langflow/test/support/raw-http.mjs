// Byte-level HTTP client for stream tests: fetch() would hide framing and turn a
// destroyed socket into a generic error, so tests read the raw body with node:http.
import http from 'node:http';

export function rawRequest(baseUrl, method, path, { body, headers = {} } = {}) {
  const url = new URL(path, baseUrl);
  const payload = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return new Promise((resolve) => {
    const req = http.request(url, {
      method,
      headers: { ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}), ...headers },
      agent: false,
    });
    const result = { status: null, headers: {}, body: '', error: null, chunks: [] };
    req.on('response', (res) => {
      result.status = res.statusCode;
      result.headers = res.headers;
      res.on('data', (chunk) => {
        result.chunks.push(chunk.toString('utf8'));
        result.body += chunk.toString('utf8');
      });
      res.on('end', () => resolve(result));
      res.on('aborted', () => {
        result.error = result.error ?? new Error('aborted');
      });
      res.on('error', (error) => {
        result.error = error;
        resolve(result);
      });
      res.on('close', () => resolve(result));
    });
    req.on('error', (error) => {
      result.error = error;
      resolve(result);
    });
    if (payload) req.write(payload);
    req.end();
  });
}

/** Splits a Langflow /run stream body into parsed events, asserting nothing. */
export function splitEvents(body) {
  return body.split('\n\n').filter((s) => s !== '').map((s) => JSON.parse(s));
}
