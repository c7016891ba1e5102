// examples/agent-flow.json is the template the product team copies. It must be a
// well-formed Langflow export (ids, œ-encoded handles, wired fields that exist) and
// run on the simulator as documented in the README.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { rawRequest, splitEvents } from './support/raw-http.mjs';
import { DEV_KEY, startSimulator } from './support/simulator.mjs';

const FILE = join(dirname(fileURLToPath(import.meta.url)), '..', 'examples', 'agent-flow.json');
const flow = JSON.parse(readFileSync(FILE, 'utf8'));
const nodes = new Map(flow.data.nodes.map((n) => [n.id, n]));
const encode = (handle) => JSON.stringify(handle).replaceAll('"', 'œ');

describe('examples/agent-flow.json is a well-formed Langflow flow', () => {
  it('has the provisioning fields and the four components in order', () => {
    assert.match(flow.id, /^[0-9a-f-]{36}$/);
    assert.equal(flow.endpoint_name, 'cmp-agent');
    assert.match(flow.endpoint_name, /^[a-zA-Z0-9_-]+$/);
    assert.ok(Array.isArray(flow.data.nodes) && Array.isArray(flow.data.edges));
    assert.deepEqual(flow.data.nodes.map((n) => n.data.type), ['ChatInput', 'Prompt', 'OpenAIModel', 'ChatOutput']);
    for (const n of flow.data.nodes) {
      assert.equal(n.type, 'genericNode');
      assert.equal(n.data.id, n.id);
      assert.equal(n.id.split('-')[0], n.data.type, 'vertex id = <ComponentType>-<suffix>');
      assert.ok(n.data.node.outputs.length > 0);
    }
  });

  it('carries no component source code (see README: materialise `code` from the target Langflow)', () => {
    for (const n of flow.data.nodes) assert.ok(!('code' in n.data.node.template), n.id);
  });

  it('every edge joins an existing output to an existing, type-compatible field, with matching string handles', () => {
    for (const e of flow.data.edges) {
      const { sourceHandle, targetHandle } = e.data;
      assert.equal(e.sourceHandle, encode(sourceHandle));
      assert.equal(e.targetHandle, encode(targetHandle));
      assert.equal(e.id, `reactflow__edge-${e.source}${e.sourceHandle}-${e.target}${e.targetHandle}`);
      const source = nodes.get(e.source);
      const target = nodes.get(e.target);
      assert.ok(source && target, `${e.source} -> ${e.target}`);
      assert.equal(sourceHandle.id, e.source);
      assert.equal(sourceHandle.dataType, source.data.type);
      const output = source.data.node.outputs.find((o) => o.name === sourceHandle.name);
      assert.ok(output, `output ${sourceHandle.name} on ${e.source}`);
      const field = target.data.node.template[targetHandle.fieldName];
      assert.ok(field, `field ${targetHandle.fieldName} on ${e.target}`);
      assert.deepEqual(targetHandle.inputTypes, field.input_types);
      assert.ok(output.types.some((t) => field.input_types.includes(t)), 'types compatible');
    }
  });

  it('declares every prompt variable as a field and in custom_fields', () => {
    const promptNode = flow.data.nodes.find((n) => n.data.type === 'Prompt').data.node;
    const variables = [...promptNode.template.template.value.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    assert.deepEqual(variables, ['persona', 'input']);
    assert.deepEqual(promptNode.custom_fields.template, variables);
    for (const v of variables) assert.ok(promptNode.template[v]);
  });
});

describe('examples/agent-flow.json runs on the simulator', () => {
  let sim;
  before(async () => {
    sim = await startSimulator();
    assert.equal((await sim.putFlow(flow.id, flow)).status, 201);
  });
  after(() => sim?.close());

  it('answers in persona, by endpoint name', async () => {
    const res = await sim.run('cmp-agent', { input_value: 'Where is my order?', session_id: 'ex-1' });
    assert.equal(res.status, 200);
    assert.equal(res.json.outputs[0].outputs[0].results.message.text, '[You are a helpful,] Where is my order? (turn 1)');
  });

  it('takes a per-instance persona and a canned reply through tweaks', async () => {
    const res = await sim.run('cmp-agent', {
      input_value: 'Hi',
      session_id: 'ex-2',
      tweaks: { 'Prompt-Lm8Np': { persona: 'Nova, the billing assistant' } },
    });
    assert.equal(res.json.outputs[0].outputs[0].results.message.text, '[You are Nova, the] Hi (turn 1)');
    const canned = await sim.run('cmp-agent', { input_value: 'Hi', tweaks: { 'OpenAIModel-Rt5Vw': { sim_reply: 'Canned.' } } });
    assert.equal(canned.json.outputs[0].outputs[0].results.message.text, 'Canned.');
  });

  it('streams tokens (stream=false in the export is overridden by ?stream=true, as in Langflow)', async () => {
    const res = await rawRequest(sim.url, 'POST', '/api/v1/run/cmp-agent?stream=true', {
      body: { input_value: 'Hi', session_id: 'ex-3' }, headers: { 'x-api-key': DEV_KEY },
    });
    const events = splitEvents(res.body);
    assert.ok(events.some((e) => e.event === 'token'));
    assert.equal(events.at(-1).event, 'end');
  });
});
