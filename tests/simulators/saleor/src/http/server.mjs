// HTTP front: /graphql/ (POST JSON or GET), /.well-known/jwks.json, /_sim/*.
import http from 'node:http';
import { handleSimApi } from './sim-api.mjs';

const MAX_BODY = 10 * 1024 * 1024;

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => { size += c.length; if (size > MAX_BODY) { reject(Object.assign(new Error('too large'), { status: 413 })); req.destroy(); } else chunks.push(c); });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res, status, body, headers = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function operationNameOf(payload) {
  if (payload?.operationName) return payload.operationName;
  const m = /\b(?:query|mutation)\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(payload?.query ?? '');
  return m ? m[1] : null;
}

export function createHttpServer(sim) {
  return http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const path = url.pathname;
    try {
      if (path === '/.well-known/jwks.json' && req.method === 'GET') return send(res, 200, sim.signingKey.jwks());
      if (path.startsWith('/_sim/')) {
        const raw = req.method === 'GET' ? Buffer.alloc(0) : await readBody(req);
        const readJson = async () => (raw.length ? JSON.parse(raw.toString('utf8')) : {});
        const r = await handleSimApi(sim, req.method, path, url.searchParams, readJson);
        return send(res, r.status, r.body);
      }
      if (path === '/graphql') {
        // Django's APPEND_SLASH: the API lives at /graphql/ only.
        return send(res, 301, '', { Location: `/graphql/${url.search}` });
      }
      if (path !== '/graphql/') return send(res, 404, { error: 'not found' });
      let payload;
      if (req.method === 'GET') {
        const vars = url.searchParams.get('variables');
        payload = { query: url.searchParams.get('query'), operationName: url.searchParams.get('operationName'), variables: vars ? JSON.parse(vars) : undefined };
      } else if (req.method === 'POST') {
        const raw = await readBody(req);
        try { payload = JSON.parse(raw.toString('utf8')); } catch {
          return send(res, 400, { errors: [{ message: 'Unable to parse query.', extensions: { exception: { code: 'GraphQLError' } } }] });
        }
      } else if (req.method === 'OPTIONS') {
        return send(res, 200, '', { Allow: 'GET, POST, OPTIONS' });
      } else return send(res, 405, { errors: [{ message: 'Method not allowed' }] });

      const batch = Array.isArray(payload) ? payload : [payload];
      for (const p of batch) {
        const fault = sim.faults.takeGraphqlRule(operationNameOf(p));
        if (fault) {
          if (fault.delayMs) await sleep(fault.delayMs);
          if (fault.status) return send(res, fault.status, { errors: [{ message: `Simulated fault: HTTP ${fault.status}` }] });
        }
      }
      const results = batch.map((p) => sim.runOperation(p ?? {}, req.headers));
      if (!Array.isArray(payload)) return send(res, results[0].status, results[0].body);
      return send(res, 200, results.map((r) => r.body));
    } catch (e) {
      sim.log({ level: 'error', msg: 'request failed', path, error: e.stack });
      return send(res, e.status ?? 500, { errors: [{ message: e.status === 413 ? 'Request too large' : 'Internal Server Error' }] });
    }
  });
}

/** Starts listening; resolves with the URL. */
export function listen(server, host, port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const addr = server.address();
      const h = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
      resolve(`http://${h}:${addr.port}`);
    });
  });
}
