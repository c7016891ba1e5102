// Flow management as the provisioner uses it: POST renames clashes, PUT upserts by id
// (201 create / 200 update, 409 on clashes), PATCH, GET, list, DELETE, and /run lookup
// by id or endpoint_name.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { echoFlow, personaFlow } from './support/flow-builder.mjs';
import { rawRequest } from './support/raw-http.mjs';
import { DEV_KEY, startSimulator } from './support/simulator.mjs';

const ID_A = '11111111-2222-4333-8444-555555555555';
const ID_B = '21111111-2222-4333-8444-555555555555';
const FLOW_READ_KEYS = [
  'name', 'description', 'icon', 'icon_bg_color', 'gradient', 'data', 'is_component', 'updated_at', 'webhook',
  'endpoint_name', 'tags', 'locked', 'mcp_enabled', 'action_name', 'action_description', 'access_type', 'id', 'user_id', 'folder_id',
];

describe('flow CRUD', () => {
  let sim;
  before(async () => {
    sim = await startSimulator();
  });
  beforeEach(() => sim.sim('POST', '/reset'));
  after(() => sim?.close());

  it('POST creates (201, FlowRead) and renames a duplicate name to "Name (1)", "Name (2)"', async () => {
    const first = await sim.call('POST', '/api/v1/flows/', { body: { name: 'Support agent', data: echoFlow().data } });
    assert.equal(first.status, 201);
    assert.deepEqual(Object.keys(first.json), FLOW_READ_KEYS);
    assert.equal(first.json.name, 'Support agent');
    assert.match(first.json.updated_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/);
    const second = await sim.call('POST', '/api/v1/flows/', { body: { name: 'Support agent' } });
    const third = await sim.call('POST', '/api/v1/flows/', { body: { name: 'Support agent' } });
    assert.equal(second.json.name, 'Support agent (1)');
    assert.equal(third.json.name, 'Support agent (2)');
  });

  it('POST renames a duplicate endpoint_name to "name-1" and honours a body id (stable import)', async () => {
    const a = await sim.call('POST', '/api/v1/flows/', { body: { name: 'A', endpoint_name: 'support' } });
    const b = await sim.call('POST', '/api/v1/flows/', { body: { name: 'B', endpoint_name: 'support', id: ID_B } });
    assert.equal(a.json.endpoint_name, 'support');
    assert.equal(b.json.endpoint_name, 'support-1');
    assert.equal(b.json.id, ID_B);
    const again = await sim.call('POST', '/api/v1/flows/', { body: { name: 'C', id: ID_B } });
    assert.equal(again.status, 400);
    assert.deepEqual(again.json, { detail: 'Id must be unique' });
  });

  it('PUT upserts: creates with the given id (201), then updates (200); unchanged repeat is a no-op update', async () => {
    const created = await sim.putFlow(ID_A, personaFlow());
    assert.equal(created.status, 201);
    assert.equal(created.json.id, ID_A);
    const updated = await sim.putFlow(ID_A, { ...personaFlow(), description: 'v2' });
    assert.equal(updated.status, 200);
    assert.equal(updated.json.description, 'v2');
    assert.equal(updated.json.endpoint_name, 'persona-agent');
    const repeat = await sim.putFlow(ID_A, { ...personaFlow(), description: 'v2' });
    assert.equal(repeat.status, 200);
    const list = await sim.call('GET', '/api/v1/flows/');
    assert.equal(list.json.length, 1);
  });

  it('PUT update keeps fields sent as null or omitted (None means "keep")', async () => {
    await sim.putFlow(ID_A, { ...personaFlow(), description: 'keep me' });
    const res = await sim.putFlow(ID_A, { name: 'Persona agent', description: null });
    assert.equal(res.status, 200);
    assert.equal(res.json.description, 'keep me');
    assert.equal(res.json.endpoint_name, 'persona-agent');
    assert.ok(res.json.data.nodes.length > 0);
  });

  it('PUT update with a name or endpoint used by ANOTHER flow -> 409', async () => {
    await sim.putFlow(ID_A, personaFlow({ name: 'Alpha', endpointName: 'alpha' }));
    await sim.putFlow(ID_B, personaFlow({ name: 'Beta', endpointName: 'beta' }));
    const name = await sim.putFlow(ID_B, personaFlow({ name: 'Alpha', endpointName: 'beta' }));
    assert.equal(name.status, 409);
    assert.deepEqual(name.json, { detail: 'Name must be unique' });
    const endpoint = await sim.putFlow(ID_B, personaFlow({ name: 'Beta', endpointName: 'alpha' }));
    assert.equal(endpoint.status, 409);
    assert.deepEqual(endpoint.json, { detail: 'Endpoint name must be unique' });
  });

  it('PUT create: an endpoint clash is 409, a name clash is renamed (Langflow only fails endpoints here)', async () => {
    await sim.putFlow(ID_A, personaFlow({ name: 'Alpha', endpointName: 'alpha' }));
    const endpoint = await sim.putFlow(ID_B, personaFlow({ name: 'Other', endpointName: 'alpha' }));
    assert.equal(endpoint.status, 409);
    assert.deepEqual(endpoint.json, { detail: 'Endpoint name must be unique' });
    const name = await sim.putFlow(ID_B, personaFlow({ name: 'Alpha', endpointName: 'beta' }));
    assert.equal(name.status, 201);
    assert.equal(name.json.name, 'Alpha (1)');
  });

  it('PATCH updates given fields; a clash surfaces as 400 from the unique constraint', async () => {
    await sim.putFlow(ID_A, personaFlow({ name: 'Alpha', endpointName: 'alpha' }));
    await sim.putFlow(ID_B, personaFlow({ name: 'Beta', endpointName: 'beta' }));
    const renamed = await sim.call('PATCH', `/api/v1/flows/${ID_B}`, { body: { name: 'Gamma' } });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.json.name, 'Gamma');
    assert.equal(renamed.json.endpoint_name, 'beta');
    const clash = await sim.call('PATCH', `/api/v1/flows/${ID_B}`, { body: { name: 'Alpha' } });
    assert.equal(clash.status, 400);
    assert.deepEqual(clash.json, { detail: 'Name must be unique' });
    const cleared = await sim.call('PATCH', `/api/v1/flows/${ID_B}`, { body: { endpoint_name: null } });
    assert.equal(cleared.json.endpoint_name, null, 'an explicit null clears the endpoint name');
  });

  it('GET by id; unknown id 404 "Flow not found"; malformed id 422', async () => {
    await sim.putFlow(ID_A, personaFlow());
    assert.equal((await sim.call('GET', `/api/v1/flows/${ID_A}`)).json.id, ID_A);
    const missing = await sim.call('GET', `/api/v1/flows/${ID_B}`);
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.json, { detail: 'Flow not found' });
    const bad = await sim.call('GET', '/api/v1/flows/not-a-uuid');
    assert.equal(bad.status, 422);
    assert.equal(bad.json.detail[0].type, 'uuid_parsing');
  });

  it('the list is always gzip-compressed, whatever Accept-Encoding says (as Langflow does)', async () => {
    await sim.putFlow(ID_A, personaFlow());
    const res = await rawRequest(sim.url, 'GET', '/api/v1/flows/', { headers: { 'x-api-key': DEV_KEY, 'accept-encoding': 'identity' } });
    assert.equal(res.headers['content-encoding'], 'gzip');
    assert.ok(res.error === null);
    const raw = await fetch(`${sim.url}/api/v1/flows/?header_flows=true`, { headers: { 'x-api-key': DEV_KEY } });
    const headers = await raw.json();
    assert.deepEqual(Object.keys(headers[0]), ['id', 'name', 'folder_id', 'is_component', 'endpoint_name', 'description', 'data', 'access_type', 'tags']);
    const page = await sim.call('GET', '/api/v1/flows/?get_all=false&page=1&size=10');
    assert.deepEqual(Object.keys(page.json), ['items', 'total', 'page', 'size', 'pages']);
    assert.equal(page.json.total, 1);
  });

  it('DELETE answers {"message": "Flow deleted successfully"}; the flow is gone for GET and /run', async () => {
    await sim.putFlow(ID_A, personaFlow());
    const del = await sim.call('DELETE', `/api/v1/flows/${ID_A}`);
    assert.equal(del.status, 200);
    assert.deepEqual(del.json, { message: 'Flow deleted successfully' });
    assert.equal((await sim.call('GET', `/api/v1/flows/${ID_A}`)).status, 404);
    assert.equal((await sim.run(ID_A, { input_value: 'x' })).status, 404);
  });

  it('validation: missing name 422 list, bad endpoint_name 422 string, data without nodes/edges 422', async () => {
    const noName = await sim.call('POST', '/api/v1/flows/', { body: { description: 'x' } });
    assert.equal(noName.status, 422);
    assert.deepEqual(noName.json.detail[0].loc, ['body', 'name']);
    const badEndpoint = await sim.call('POST', '/api/v1/flows/', { body: { name: 'x', endpoint_name: 'has space' } });
    assert.equal(badEndpoint.status, 422);
    assert.deepEqual(badEndpoint.json, { detail: 'Endpoint name must contain only letters, numbers, hyphens, and underscores' });
    const noEdges = await sim.call('POST', '/api/v1/flows/', { body: { name: 'x', data: { nodes: [] } } });
    assert.equal(noEdges.status, 422);
    assert.equal(noEdges.json.detail[0].msg, 'Value error, Flow must have edges');
  });

  it('a missing trailing slash is answered with a 307 redirect, like FastAPI', async () => {
    const res = await sim.call('POST', '/api/v1/flows', { body: { name: 'x' } });
    assert.equal(res.status, 307);
    assert.match(res.headers.get('location'), /\/api\/v1\/flows\/$/);
  });

  it('management routes need credentials: 403 "No authentication credentials provided" without', async () => {
    const res = await sim.call('GET', '/api/v1/flows/', { key: null });
    assert.equal(res.status, 403);
    assert.deepEqual(res.json, { detail: 'No authentication credentials provided' });
  });
});

describe('/run flow lookup', () => {
  let sim;
  before(async () => {
    sim = await startSimulator();
    await sim.putFlow(ID_A, personaFlow({ endpointName: 'support-bot' }));
  });
  after(() => sim?.close());

  it('runs by UUID (dashed or plain hex) and by endpoint_name', async () => {
    for (const ref of [ID_A, ID_A.replaceAll('-', ''), 'support-bot']) {
      const res = await sim.run(ref, { input_value: 'hi' });
      assert.equal(res.status, 200, ref);
    }
  });

  it('unknown id or name -> 404 "Flow identifier <value> not found"', async () => {
    const byName = await sim.run('does-not-exist', { input_value: 'hi' });
    assert.equal(byName.status, 404);
    assert.deepEqual(byName.json, { detail: 'Flow identifier does-not-exist not found' });
    const byId = await sim.run(ID_B, { input_value: 'hi' });
    assert.deepEqual(byId.json, { detail: `Flow identifier ${ID_B} not found` });
  });
});

describe('LANGFLOW_LOAD_FLOWS_PATH', () => {
  it('loads *.json at start-up (file named <uuid>.json forces the id) and again on /_sim/reset', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lf-flows-'));
    await writeFile(join(dir, `${ID_A}.json`), JSON.stringify(personaFlow({ endpointName: 'preloaded' })));
    const sim = await startSimulator({ LANGFLOW_LOAD_FLOWS_PATH: dir });
    try {
      assert.equal((await sim.run('preloaded', { input_value: 'hi' })).status, 200);
      assert.equal((await sim.call('GET', `/api/v1/flows/${ID_A}`)).status, 200);
      await sim.call('DELETE', `/api/v1/flows/${ID_A}`);
      await sim.sim('POST', '/reset');
      assert.equal((await sim.call('GET', `/api/v1/flows/${ID_A}`)).status, 200);
    } finally {
      await sim.close();
    }
  });

  it('is ignored when LANGFLOW_AUTO_LOGIN=false (as in Langflow)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lf-flows-'));
    await writeFile(join(dir, `${ID_A}.json`), JSON.stringify(personaFlow()));
    const sim = await startSimulator({ LANGFLOW_LOAD_FLOWS_PATH: dir, LANGFLOW_AUTO_LOGIN: 'false' });
    try {
      assert.equal(sim.state.flows.size, 0);
    } finally {
      await sim.close();
    }
  });
});
