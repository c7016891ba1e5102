// Root health endpoints, version, and FastAPI's handling of unknown routes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSimulator } from './support/simulator.mjs';

describe('health and routing', () => {
  let sim;
  before(async () => {
    sim = await startSimulator({ LANGFLOW_SIM_VERSION: '1.13.2' });
  });
  after(() => sim?.close());

  it('/health -> {"status": "ok"} without auth', async () => {
    const res = await sim.call('GET', '/health', { key: null });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, { status: 'ok' });
    assert.equal(res.headers.get('server'), 'uvicorn');
  });

  it('/health_check and /healthz -> {"status": "ok", "chat": "ok", "db": "ok"}', async () => {
    for (const path of ['/health_check', '/healthz']) {
      assert.deepEqual((await sim.call('GET', path, { key: null })).json, { status: 'ok', chat: 'ok', db: 'ok' });
    }
  });

  it('/api/v1/version reports the simulated release', async () => {
    assert.deepEqual((await sim.call('GET', '/api/v1/version', { key: null })).json, { version: '1.13.2', main_version: '1.13.2', package: 'Langflow' });
  });

  it('unknown path 404 {"detail": "Not Found"}, wrong method 405 {"detail": "Method Not Allowed"}', async () => {
    assert.deepEqual((await sim.call('GET', '/api/v1/nope')).json, { detail: 'Not Found' });
    const wrong = await sim.call('GET', '/api/v1/run/some-flow');
    assert.equal(wrong.status, 405);
    assert.deepEqual(wrong.json, { detail: 'Method Not Allowed' });
  });

  it('/_sim/health describes the simulator', async () => {
    const res = await sim.sim('GET', '/health');
    assert.equal(res.json.status, 'ok');
    assert.deepEqual(Object.keys(res.json), ['status', 'flows', 'api_keys', 'runs', 'sessions', 'parked_requests', 'faults']);
  });
});
