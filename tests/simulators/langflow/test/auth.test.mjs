// /run authenticates with x-api-key only (header or query, query wins); management
// routes also take a Bearer JWT. Texts and codes follow Langflow's auth service.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AUTO_LOGIN_ERROR } from '../src/auth.mjs';
import { echoFlow } from './support/flow-builder.mjs';
import { DEV_KEY, startSimulator } from './support/simulator.mjs';

const FLOW_ID = '0d6c1a9e-3f7b-4c2d-8e5a-1b2c3d4e5f60';

async function withSimulator(env, fn) {
  const sim = await startSimulator(env);
  try {
    const setupKey = env.LANGFLOW_API_KEYS?.split(',')[0].trim() ?? DEV_KEY;
    await sim.putFlow(FLOW_ID, echoFlow(), { key: setupKey });
    await fn(sim);
  } finally {
    await sim.close();
  }
}

describe('/run authentication (x-api-key only)', () => {
  let sim;
  before(async () => {
    sim = await startSimulator();
    assert.equal((await sim.putFlow(FLOW_ID, echoFlow())).status, 201);
  });
  after(() => sim?.close());

  it('no key -> 403 with the auto-login explanation (AUTO_LOGIN defaults to true)', async () => {
    const res = await sim.run(FLOW_ID, { input_value: 'hi' }, { key: null });
    assert.equal(res.status, 403);
    assert.deepEqual(res.json, { detail: AUTO_LOGIN_ERROR });
  });

  it('wrong key -> 403 "Invalid or missing API key"', async () => {
    const res = await sim.run(FLOW_ID, { input_value: 'hi' }, { key: 'sk-wrong' });
    assert.equal(res.status, 403);
    assert.deepEqual(res.json, { detail: 'Invalid or missing API key' });
  });

  it('a valid key sent as Authorization: Bearer is not read -> 403 as if no key', async () => {
    const res = await sim.run(FLOW_ID, { input_value: 'hi' }, { key: null, headers: { authorization: `Bearer ${DEV_KEY}` } });
    assert.equal(res.status, 403);
    assert.deepEqual(res.json, { detail: AUTO_LOGIN_ERROR });
  });

  it('key in the ?x-api-key= query is accepted', async () => {
    const res = await sim.run(FLOW_ID, { input_value: 'hi' }, { key: null, query: `?x-api-key=${DEV_KEY}` });
    assert.equal(res.status, 200);
  });

  it('query wins over header when both are sent', async () => {
    const good = await sim.run(FLOW_ID, { input_value: 'hi' }, { key: 'sk-wrong', query: `?x-api-key=${DEV_KEY}` });
    assert.equal(good.status, 200);
    const bad = await sim.run(FLOW_ID, { input_value: 'hi' }, { key: DEV_KEY, query: '?x-api-key=sk-wrong' });
    assert.equal(bad.status, 403);
  });

  it('authentication runs before flow lookup: bad key on an unknown flow is 403, not 404', async () => {
    const res = await sim.run('no-such-flow', {}, { key: 'sk-wrong' });
    assert.equal(res.status, 403);
  });

  it('/_sim/runs shows which credential the client sent', async () => {
    await sim.sim('DELETE', '/runs');
    await sim.run(FLOW_ID, { input_value: 'hi' });
    await sim.run(FLOW_ID, { input_value: 'hi' }, { key: null, headers: { authorization: 'Bearer abc' } });
    const { runs } = (await sim.sim('GET', '/runs')).json;
    assert.equal(runs.length, 2);
    assert.equal(runs[0].headers['x-api-key'], DEV_KEY);
    assert.equal(runs[0].headers.authorization, undefined);
    assert.equal(runs[0].auth, 'api_key');
    assert.equal(runs[1].headers.authorization, 'Bearer abc');
    assert.equal(runs[1].status, 403);
  });
});

describe('auth settings', () => {
  it('LANGFLOW_AUTO_LOGIN=false, no key -> 403 "An API key must be passed as query or header"', () =>
    withSimulator({ LANGFLOW_AUTO_LOGIN: 'false' }, async (sim) => {
      const res = await sim.run(FLOW_ID, { input_value: 'hi' }, { key: null });
      assert.equal(res.status, 403);
      assert.deepEqual(res.json, { detail: 'An API key must be passed as query or header' });
    }));

  it('LANGFLOW_SKIP_AUTH_AUTO_LOGIN=true runs without a key (as the superuser)', () =>
    withSimulator({ LANGFLOW_SKIP_AUTH_AUTO_LOGIN: 'true' }, async (sim) => {
      const res = await sim.run(FLOW_ID, { input_value: 'hi' }, { key: null });
      assert.equal(res.status, 200);
    }));

  it('auto-login with an empty LANGFLOW_SUPERUSER -> 400 "Missing first superuser credentials"', () =>
    withSimulator({ LANGFLOW_SUPERUSER: '' }, async (sim) => {
      const res = await sim.run(FLOW_ID, {}, {});
      assert.equal(res.status, 400);
      assert.deepEqual(res.json, { detail: 'Missing first superuser credentials' });
    }));

  it('LANGFLOW_API_KEYS seeds several keys; LANGFLOW_API_KEY adds one more', () =>
    withSimulator({ LANGFLOW_API_KEYS: 'sk-a, sk-b', LANGFLOW_API_KEY: 'sk-c' }, async (sim) => {
      for (const key of ['sk-a', 'sk-b', 'sk-c']) assert.equal((await sim.run(FLOW_ID, {}, { key })).status, 200, key);
      assert.equal((await sim.run(FLOW_ID, {}, { key: DEV_KEY })).status, 403, 'default key replaced');
    }));
});

describe('/api/v1/api_key and login', () => {
  let sim;
  before(async () => {
    sim = await startSimulator();
    await sim.putFlow(FLOW_ID, echoFlow());
  });
  after(() => sim?.close());

  it('creating a key without credentials -> 403 "No authentication credentials provided"', async () => {
    const res = await sim.call('POST', '/api/v1/api_key/', { body: { name: 'runner' }, key: null });
    assert.equal(res.status, 403);
    assert.deepEqual(res.json, { detail: 'No authentication credentials provided' });
  });

  it('with an invalid key -> 403 "Invalid API key"; with a bad Bearer -> 401 "Invalid token"', async () => {
    assert.deepEqual((await sim.call('POST', '/api/v1/api_key/', { body: { name: 'x' }, key: 'sk-nope' })).json, { detail: 'Invalid API key' });
    const bearer = await sim.call('POST', '/api/v1/api_key/', { body: { name: 'x' }, key: null, headers: { authorization: 'Bearer not-a-token' } });
    assert.equal(bearer.status, 401);
    assert.deepEqual(bearer.json, { detail: 'Invalid token' });
  });

  it('an existing key creates a new one, shown unmasked once, usable on /run, masked in the list', async () => {
    const created = await sim.call('POST', '/api/v1/api_key/', { body: { name: 'runner' } });
    assert.equal(created.status, 200);
    assert.deepEqual(Object.keys(created.json), ['id', 'api_key', 'name', 'user_id', 'created_at', 'last_used_at', 'total_uses', 'is_active']);
    assert.match(created.json.api_key, /^sk-/);
    assert.equal(created.json.name, 'runner');
    assert.equal((await sim.run(FLOW_ID, { input_value: 'hi' }, { key: created.json.api_key })).status, 200);

    const list = await sim.call('GET', '/api/v1/api_key/');
    assert.equal(list.status, 200);
    assert.deepEqual(Object.keys(list.json), ['total_count', 'user_id', 'api_keys']);
    const listed = list.json.api_keys.find((k) => k.id === created.json.id);
    assert.equal(listed.total_uses, 1);
    assert.match(listed.api_key, /^sk-.{5}\*+$/);

    const del = await sim.call('DELETE', `/api/v1/api_key/${created.json.id}`);
    assert.deepEqual(del.json, { detail: 'API Key deleted' });
    assert.equal((await sim.run(FLOW_ID, {}, { key: created.json.api_key })).status, 403, 'deleted key no longer works');
  });

  it('login with the superuser gives a Bearer token that management routes accept (but /run does not)', async () => {
    const bad = await sim.call('POST', '/api/v1/login', {
      raw: 'username=langflow&password=wrong', key: null, headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(bad.status, 401);
    const ok = await sim.call('POST', '/api/v1/login', {
      raw: 'username=langflow&password=langflow', key: null, headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.json.token_type, 'bearer');
    const auth = { authorization: `Bearer ${ok.json.access_token}` };
    assert.equal((await sim.call('POST', '/api/v1/api_key/', { body: { name: 'via-jwt' }, key: null, headers: auth })).status, 200);
    assert.equal((await sim.call('GET', `/api/v1/flows/${FLOW_ID}`, { key: null, headers: auth })).status, 200);
    assert.equal((await sim.run(FLOW_ID, {}, { key: null, headers: auth })).status, 403);
  });

  it('auto_login issues tokens when enabled and answers 400 with a detail object when disabled', async () => {
    const on = await sim.call('GET', '/api/v1/auto_login', { key: null });
    assert.equal(on.status, 200);
    assert.ok(on.json.access_token);
    await withSimulator({ LANGFLOW_AUTO_LOGIN: 'false' }, async (off) => {
      const res = await off.call('GET', '/api/v1/auto_login', { key: null });
      assert.equal(res.status, 400);
      assert.deepEqual(res.json, { detail: { message: 'Auto login is disabled. Please enable it in the settings', auto_login: false } });
    });
  });
});
