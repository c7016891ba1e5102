// Health endpoints at the app root (not under /api), plus /api/v1/version. None needs
// auth. /health never fails in real Langflow (uvicorn can answer it before the app
// is up), so the "unhealthy" fault only affects /health_check and /healthz.
import { sendDetail, sendJson } from '../http-utils.mjs';

const UNHEALTHY = { status: 'nok', chat: 'ok', db: 'error check the server logs' };

function probe(c) {
  if (c.app.state.faults.down?.mode === 'unhealthy') return sendDetail(c.res, 500, { ...UNHEALTHY });
  sendJson(c.res, 200, { status: 'ok', chat: 'ok', db: 'ok' });
}

export function registerHealthRoutes(router) {
  router.get('/health', (c) => sendJson(c.res, 200, { status: 'ok' }));
  router.get('/health_check', probe);
  router.get('/healthz', probe);
  router.get('/api/v1/version', (c) => {
    const { version } = c.app.state.config;
    sendJson(c.res, 200, { version, main_version: version, package: 'Langflow' });
  });
}
