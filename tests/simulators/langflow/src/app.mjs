// Wires state, routes and fault handling into an http.Server. Used by server.mjs and,
// in-process, by the tests.
import http from 'node:http';
import { takeFault } from './faults.mjs';
import { sendJson } from './http-utils.mjs';
import { loadFlowsFromDirectory } from './load-flows.mjs';
import { createLogger, redactHeaders, redactUrl } from './log.mjs';
import { apiExceptionDetail } from './run/run-failure.mjs';
import { createRouter } from './router.mjs';
import { registerApiKeyRoutes } from './routes/api-key-routes.mjs';
import { registerFlowRoutes } from './routes/flows-routes.mjs';
import { registerHealthRoutes } from './routes/health-routes.mjs';
import { registerLoginRoutes } from './routes/login-routes.mjs';
import { registerRunRoutes } from './routes/run-route.mjs';
import { registerSimRoutes } from './routes/sim-routes.mjs';
import { createState } from './state.mjs';

const RUN_PATH = /^\/api\/v1\/run\/[^/]+\/?$/;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function recordRun(state, req, url) {
  state.runSeq += 1;
  const run = {
    seq: state.runSeq,
    received_at: new Date().toISOString(),
    path: url.pathname,
    flow: decodeURIComponent(url.pathname.split('/')[4] ?? ''),
    query: Object.fromEntries(url.searchParams),
    // Raw headers on purpose: tests assert which credential the runner sent.
    headers: { ...req.headers },
    status: null,
    outcome: 'pending',
  };
  state.runs.push(run);
  return run;
}

function injectedHttpError(res, fault) {
  const body = fault.body !== undefined
    ? fault.body
    : { detail: fault.status === 500 ? apiExceptionDetail('Simulated failure') : http.STATUS_CODES[fault.status] ?? 'Error' };
  sendJson(res, fault.status, body, fault.headers);
}

export function createSimulator({ config, log = createLogger({ level: config.logLevel }) }) {
  const state = createState(config);
  const router = createRouter();
  [registerHealthRoutes, registerLoginRoutes, registerApiKeyRoutes, registerFlowRoutes, registerRunRoutes, registerSimRoutes]
    .forEach((register) => register(router));
  const app = { state, log, loadFlows: () => loadFlowsFromDirectory(state, log) };

  async function handle(req, res) {
    const url = new URL(req.url, 'http://simulator.invalid');
    const started = Date.now();
    res.on('finish', () => log.info('request', { method: req.method, path: redactUrl(url.pathname + url.search), status: res.statusCode, ms: Date.now() - started }));
    const base = { req, res, url, app };
    if (url.pathname === '/_sim' || url.pathname.startsWith('/_sim/')) return router.dispatch(base);

    const isRun = req.method === 'POST' && RUN_PATH.test(url.pathname);
    const run = isRun ? recordRun(state, req, url) : null;
    const { faults } = state;
    if (faults.down?.mode === 'refuse') {
      if (run) Object.assign(run, { outcome: 'refused' });
      req.socket.destroy();
      return undefined;
    }
    const latency = takeFault(faults, 'latency', { isRun });
    if (latency?.ms) await sleep(latency.ms);
    if (takeFault(faults, 'hang', { isRun })) {
      // Held open until /_sim/reset (or shutdown) destroys the socket.
      state.parked.add(res);
      res.on('close', () => state.parked.delete(res));
      if (run) run.outcome = 'hung';
      return undefined;
    }
    const error = takeFault(faults, 'error', { isRun });
    if (error) {
      injectedHttpError(res, error);
      if (run) Object.assign(run, { status: error.status, outcome: 'injected_error' });
      return undefined;
    }
    return router.dispatch({ ...base, run, latency });
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error) => {
      log.error('unhandled error', { error: error.stack ?? String(error), headers: redactHeaders(req.headers) });
      // Langflow's app-wide handler for non-HTTP exceptions answers {"message": ...}.
      if (!res.headersSent) sendJson(res, 500, { message: String(error?.message ?? error) });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5000; // uvicorn's default

  async function listen(port = config.port, host = config.host) {
    await app.loadFlows();
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${shownHost}:${address.port}`;
  }

  async function close() {
    for (const res of state.parked) res.socket?.destroy();
    state.parked.clear();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(() => resolve()));
  }

  return { server, state, listen, close };
}
