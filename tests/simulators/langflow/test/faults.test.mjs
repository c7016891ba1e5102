// Every /_sim fault knob: latency, errors (http + component), hang, disconnect, down
// (refuse / unhealthy), reset, runs log and the simulator's own health.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { apiExceptionDetail } from '../src/run/run-failure.mjs';
import { referenceFlow } from './support/flow-builder.mjs';
import { rawRequest } from './support/raw-http.mjs';
import { DEV_KEY, startSimulator } from './support/simulator.mjs';

const FLOW = 'b1111111-2222-4333-8444-555555555555';

describe('/_sim faults', () => {
  let sim;
  const run = (body = { input_value: 'hi' }) => sim.run(FLOW, body);
  before(async () => {
    sim = await startSimulator();
  });
  beforeEach(async () => {
    await sim.sim('POST', '/reset');
    await sim.putFlow(FLOW, referenceFlow());
  });
  after(() => sim?.close());

  it('latency: delays the next N runs by ms, then stops', async () => {
    assert.equal((await sim.sim('POST', '/latency', { ms: 150, count: 1 })).status, 200);
    let t = Date.now();
    assert.equal((await run()).status, 200);
    assert.ok(Date.now() - t >= 145, 'first run delayed');
    t = Date.now();
    await run();
    assert.ok(Date.now() - t < 140, 'second run not delayed');
  });

  it('latency without count applies until reset; scope "run" leaves /health alone, "all" does not', async () => {
    await sim.sim('POST', '/latency', { ms: 120 });
    let t = Date.now();
    await sim.call('GET', '/health', { key: null });
    assert.ok(Date.now() - t < 110);
    t = Date.now();
    await run();
    await run();
    assert.ok(Date.now() - t >= 235);
    await sim.sim('POST', '/latency', { ms: 120, scope: 'all', count: 1 });
    t = Date.now();
    await sim.call('GET', '/health', { key: null });
    assert.ok(Date.now() - t >= 115);
  });

  it('errors (http): the next run answers the given status; default 503 body is FastAPI-style', async () => {
    await sim.sim('POST', '/errors', { status: 503, count: 1 });
    const failed = await run();
    assert.equal(failed.status, 503);
    assert.deepEqual(failed.json, { detail: 'Service Unavailable' });
    assert.equal((await run()).status, 200);
  });

  it('errors (http): custom body and headers; a 500 defaults to the JSON-in-string detail', async () => {
    await sim.sim('POST', '/errors', { status: 429, body: { detail: 'slow down' }, headers: { 'retry-after': '2' }, count: 1 });
    const limited = await run();
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '2');
    assert.deepEqual(limited.json, { detail: 'slow down' });
    await sim.sim('POST', '/errors', { status: 500, count: 1 });
    assert.deepEqual((await run()).json, { detail: apiExceptionDetail('Simulated failure') });
  });

  it('errors (component): the model fails -> the real 500 with the JSON-in-string detail', async () => {
    await sim.sim('POST', '/errors', { kind: 'component', message: 'Incorrect API key provided', count: 2 });
    for (let i = 0; i < 2; i += 1) {
      const res = await run();
      assert.equal(res.status, 500);
      assert.equal(JSON.parse(res.json.detail).message, 'Error building Component OpenAI: \n\nIncorrect API key provided');
    }
    assert.equal((await run()).status, 200);
  });

  it('hang: the request is accepted and never answered until /_sim/reset closes it', async () => {
    await sim.sim('POST', '/hang', { count: 1 });
    const pending = rawRequest(sim.url, 'POST', `/api/v1/run/${FLOW}`, { body: { input_value: 'hi' }, headers: { 'x-api-key': DEV_KEY } });
    const raced = await Promise.race([pending.then(() => 'answered'), new Promise((r) => setTimeout(() => r('waiting'), 250))]);
    assert.equal(raced, 'waiting');
    assert.equal((await sim.sim('GET', '/health')).json.parked_requests, 1);
    assert.equal((await sim.sim('GET', '/runs')).json.runs.at(-1).outcome, 'hung');
    await sim.sim('POST', '/reset', { scope: 'faults' });
    const res = await pending;
    assert.equal(res.status, null);
    assert.ok(res.error, 'socket closed without a response');
    assert.equal((await run()).status, 200, 'count 1 was used up');
  });

  it('disconnect (non-stream): the run executes, then the socket closes without a response', async () => {
    await sim.sim('POST', '/disconnect', { count: 1 });
    const res = await rawRequest(sim.url, 'POST', `/api/v1/run/${FLOW}`, { body: { input_value: 'hi' }, headers: { 'x-api-key': DEV_KEY } });
    assert.equal(res.status, null);
    assert.ok(res.error);
    assert.equal((await sim.sim('GET', '/runs')).json.runs.at(-1).outcome, 'disconnected');
  });

  it('down "refuse": every Langflow endpoint drops the connection; /_sim keeps working; "up" restores', async () => {
    await sim.sim('POST', '/down', { mode: 'refuse' });
    const health = await rawRequest(sim.url, 'GET', '/health');
    assert.equal(health.status, null);
    assert.ok(health.error);
    const runRes = await rawRequest(sim.url, 'POST', `/api/v1/run/${FLOW}`, { body: {}, headers: { 'x-api-key': DEV_KEY } });
    assert.ok(runRes.error);
    assert.equal((await sim.sim('GET', '/health')).status, 200);
    await sim.sim('POST', '/down', { mode: 'up' });
    assert.equal((await sim.call('GET', '/health', { key: null })).status, 200);
  });

  it('down "unhealthy": /health stays 200 (as in Langflow), /health_check and /healthz answer 500 "nok"', async () => {
    await sim.sim('POST', '/down', { mode: 'unhealthy' });
    assert.deepEqual((await sim.call('GET', '/health', { key: null })).json, { status: 'ok' });
    for (const path of ['/health_check', '/healthz']) {
      const res = await sim.call('GET', path, { key: null });
      assert.equal(res.status, 500, path);
      assert.deepEqual(res.json, { detail: { status: 'nok', chat: 'ok', db: 'error check the server logs' } });
    }
  });

  it('GET /_sim/faults shows what is armed; DELETE /_sim/faults disarms everything', async () => {
    await sim.sim('POST', '/latency', { ms: 10, count: 3 });
    await sim.sim('POST', '/errors', { kind: 'component', after_tokens: 1 });
    const { faults } = (await sim.sim('GET', '/faults')).json;
    assert.deepEqual(faults.latency, { ms: 10, token_delay_ms: 0, remaining: 3, scope: 'run' });
    assert.deepEqual(faults.componentError, { message: 'Simulated component failure', after_tokens: 1, remaining: null });
    await sim.sim('DELETE', '/faults');
    assert.ok(Object.values((await sim.sim('GET', '/faults')).json.faults).every((f) => f === null));
  });

  it('rejects malformed fault specs with 400', async () => {
    for (const [path, body] of [['/latency', { ms: -1 }], ['/errors', { status: 200 }], ['/errors', { kind: 'odd' }], ['/down', { mode: 'x' }], ['/hang', { count: 0 }], ['/disconnect', { after_tokens: 'a' }]]) {
      const res = await sim.sim('POST', path, body);
      assert.equal(res.status, 400, `${path} ${JSON.stringify(body)}`);
      assert.ok(res.json.error);
    }
  });

  it('/_sim/reset restores the start-up state; scoped resets keep the rest', async () => {
    await run();
    await sim.sim('POST', '/latency', { ms: 5 });
    await sim.sim('POST', '/reset', { scope: 'runs' });
    let health = (await sim.sim('GET', '/health')).json;
    assert.equal(health.runs, 0);
    assert.equal(health.flows, 1);
    assert.ok(health.faults.latency);
    await sim.sim('POST', '/reset');
    health = (await sim.sim('GET', '/health')).json;
    assert.deepEqual({ flows: health.flows, runs: health.runs, sessions: health.sessions, api_keys: health.api_keys }, { flows: 0, runs: 0, sessions: 0, api_keys: 1 });
    assert.equal(health.faults.latency, null);
  });

  it('/_sim/runs records every run request with flow, input, session, stream flag, outcome', async () => {
    await sim.run('reference-agent', { input_value: 'hello', session_id: 'log-1' }, { query: '?stream=false' });
    const [entry] = (await sim.sim('GET', '/runs')).json.runs;
    assert.equal(entry.flow, 'reference-agent');
    assert.equal(entry.flow_id, FLOW);
    assert.equal(entry.endpoint_name, 'reference-agent');
    assert.equal(entry.request.input_value, 'hello');
    assert.equal(entry.session_id, 'log-1');
    assert.equal(entry.stream, false);
    assert.equal(entry.status, 200);
    assert.equal(entry.outcome, 'ok');
    assert.equal(entry.reply, 'Hello! How can I help?');
    assert.deepEqual(entry.query, { stream: 'false' });
  });
});
