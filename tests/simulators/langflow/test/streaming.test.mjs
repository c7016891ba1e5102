// ?stream=true: HTTP 200 at once, Content-Type text/event-stream, then bare JSON
// objects each followed by a blank line (NOT SSE: no "data:"/"event:" lines).
// Success ends with `end`, failure with `error`; a cut connection ends with neither.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { edge, echoFlow, node, referenceFlow } from './support/flow-builder.mjs';
import { rawRequest, splitEvents } from './support/raw-http.mjs';
import { DEV_KEY, startSimulator } from './support/simulator.mjs';

const AGENT = '7e2a4f10-5b3c-4d6e-9f80-a1b2c3d4e5f6';
const ECHO = '8f3b5a21-6c4d-4e7f-8a91-b2c3d4e5f6a7';
const BROKEN = '9a4c6b32-7d5e-4f80-9ba2-c3d4e5f6a7b8';

describe('streaming /run', () => {
  let sim;
  const stream = (flow, body, headers = { 'x-api-key': DEV_KEY }) =>
    rawRequest(sim.url, 'POST', `/api/v1/run/${flow}?stream=true`, { body, headers });

  before(async () => {
    sim = await startSimulator();
    await sim.putFlow(AGENT, referenceFlow({ simReply: 'Ahoy there, matey!' }));
    await sim.putFlow(ECHO, echoFlow());
    const broken = echoFlow({ name: 'Broken', endpointName: 'broken' });
    broken.data.edges.push(edge('ChatInput-e1', 'message', 'ChatOutput-missing', 'input_value'));
    await sim.putFlow(BROKEN, broken);
  });
  beforeEach(() => sim.sim('POST', '/reset', { scope: 'faults' }));
  after(() => sim?.close());

  it('frames events as bare JSON separated by blank lines, in Langflow order', async () => {
    const res = await stream(AGENT, { input_value: 'Hi', session_id: 'st-1' });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8');
    assert.equal(res.headers['content-length'], undefined, 'body is streamed (chunked)');
    assert.match(res.body, /^\{"event": "add_message", "data": \{/);
    assert.ok(res.body.endsWith('}\n\n'));
    assert.ok(!/^(data|event|id):/m.test(res.body), 'no SSE field lines');
    assert.ok(!res.body.includes('\n\n\n'), 'exactly one blank line between events');
    for (const block of res.body.slice(0, -2).split('\n\n')) {
      assert.ok(!block.includes('\n'), 'each event is a single line');
      assert.deepEqual(Object.keys(JSON.parse(block)), ['event', 'data']);
    }
    const events = splitEvents(res.body);
    const kinds = events.map((e) => e.event);
    assert.deepEqual(kinds, ['add_message', 'add_message', ...Array(5).fill('token'), 'add_message', 'end']);
    assert.equal(events[0].data.sender, 'User');
    assert.equal(events[0].data.text, 'Hi');
    assert.equal(events[1].data.sender, 'Machine');
    assert.equal(events[1].data.text, '', 'AI message is announced empty before tokens');
    const tokens = events.filter((e) => e.event === 'token');
    assert.equal(tokens.map((t) => t.data.chunk).join(''), 'Ahoy there, matey!');
    assert.deepEqual(tokens.map((t) => t.data.chunk), ['Ahoy', ' there', ',', ' matey', '!']);
    assert.ok(tokens.every((t) => t.data.id === events[1].data.id));
    assert.equal(events[7].data.text, 'Ahoy there, matey!');
    assert.equal(events.at(-1).data.result.outputs[0].outputs[0].results.message.text, 'Ahoy there, matey!');
  });

  it('a standard SSE parser would see no events at all (the trap the runner must avoid)', async () => {
    const res = await stream(AGENT, { input_value: 'Hi' });
    const sseDataLines = res.body.split('\n').filter((l) => l.startsWith('data:'));
    assert.equal(sseDataLines.length, 0);
  });

  it('writes events with Python json.dumps escaping (non-ASCII as \\uXXXX), JSON responses keep UTF-8', async () => {
    const res = await stream(ECHO, { input_value: 'Grüße 👋' });
    assert.ok(res.body.includes('"text": "Gr\\u00fc\\u00dfe \\ud83d\\udc4b"'));
    assert.equal(splitEvents(res.body)[0].data.text, 'Grüße 👋');
    const json = await sim.run(ECHO, { input_value: 'Grüße 👋' });
    assert.ok(json.text.includes('Grüße 👋'));
  });

  it('a flow without a streaming model sends add_message (user, reply) then end - no tokens', async () => {
    const events = splitEvents((await stream(ECHO, { input_value: 'echo me' })).body);
    assert.deepEqual(events.map((e) => e.event), ['add_message', 'add_message', 'end']);
    assert.equal(events[1].data.text, 'echo me');
    assert.equal(events[1].data.sender, 'Machine');
    assert.notEqual(events[0].data.id, events[1].data.id);
  });

  it('a component failing mid-stream ends with an error event: "500: " + the JSON-in-string detail', async () => {
    await sim.sim('POST', '/errors', { kind: 'component', message: 'Connection reset by provider', after_tokens: 2 });
    const res = await stream(AGENT, { input_value: 'Hi' });
    assert.equal(res.status, 200);
    const events = splitEvents(res.body);
    assert.deepEqual(events.map((e) => e.event), ['add_message', 'add_message', 'token', 'token', 'error']);
    const { error } = events.at(-1).data;
    assert.deepEqual(Object.keys(events.at(-1).data), ['error']);
    assert.match(error, /^500: \{/);
    const detail = JSON.parse(error.slice('500: '.length));
    assert.equal(detail.message, 'Error building Component OpenAI: \n\nConnection reset by provider');
    assert.ok(!events.some((e) => e.event === 'end'));
  });

  it('a component failing before any token (sim_error) -> user message, AI placeholder, error', async () => {
    const res = await stream(AGENT, { input_value: 'Hi', tweaks: { 'OpenAIModel-x9Y8z': { sim_error: 'Incorrect API key provided' } } });
    const events = splitEvents(res.body);
    assert.deepEqual(events.map((e) => e.event), ['add_message', 'error']);
    assert.match(events[1].data.error, /^500: .*Incorrect API key provided/);
  });

  it('a graph error after the 200 arrives as an error event with the bare message', async () => {
    const res = await stream(BROKEN, { input_value: 'Hi' });
    assert.equal(res.status, 200);
    assert.deepEqual(splitEvents(res.body), [{ event: 'error', data: { error: 'Vertex ChatOutput-missing not found' } }]);
  });

  it('auth and unknown-flow errors are ordinary JSON responses, never a stream', async () => {
    const denied = await stream(AGENT, { input_value: 'Hi' }, {});
    assert.equal(denied.status, 403);
    assert.equal(denied.headers['content-type'], 'application/json');
    const missing = await stream('nope', { input_value: 'Hi' });
    assert.equal(missing.status, 404);
    assert.deepEqual(JSON.parse(missing.body), { detail: 'Flow identifier nope not found' });
  });

  it('an unparseable ?stream value is a FastAPI 422', async () => {
    const res = await rawRequest(sim.url, 'POST', `/api/v1/run/${AGENT}?stream=maybe`, { body: {}, headers: { 'x-api-key': DEV_KEY } });
    assert.equal(res.status, 422);
    assert.equal(JSON.parse(res.body).detail[0].loc.join('.'), 'query.stream');
  });

  it('disconnect fault: K tokens are delivered, then the socket is destroyed (no end, no error)', async () => {
    await sim.sim('POST', '/disconnect', { after_tokens: 3, count: 1 });
    const res = await stream(AGENT, { input_value: 'Hi', session_id: 'cut' });
    assert.ok(res.error, 'client observes an aborted response');
    const blocks = res.body.split('\n\n').filter(Boolean);
    const events = blocks.map((b) => JSON.parse(b));
    assert.equal(events.filter((e) => e.event === 'token').length, 3);
    assert.ok(!events.some((e) => e.event === 'end' || e.event === 'error'));
    const { runs } = (await sim.sim('GET', '/runs')).json;
    assert.equal(runs.at(-1).outcome, 'disconnected');
    const next = await stream(AGENT, { input_value: 'Hi' });
    assert.equal(splitEvents(next.body).at(-1).event, 'end', 'the fault was used up');
  });

  it('token_delay_ms spaces tokens so clients can observe incremental delivery', async () => {
    await sim.sim('POST', '/latency', { ms: 0, token_delay_ms: 25, count: 1 });
    const started = Date.now();
    const res = await stream(AGENT, { input_value: 'Hi' });
    assert.ok(Date.now() - started >= 5 * 25 - 5, 'five tokens, 25 ms apart');
    assert.ok(res.chunks.length > 1, 'arrived in several chunks');
  });
});

describe('streaming with a model that does not feed Chat Output directly', () => {
  it('emits no token events (Langflow only streams a model wired to Chat Output)', async () => {
    const sim = await startSimulator();
    try {
      const id = 'aa4c6b32-7d5e-4f80-9ba2-c3d4e5f6a7b8';
      await sim.putFlow(id, {
        name: 'model via text output',
        data: {
          nodes: [
            node('ChatInput-1', 'ChatInput', { outputs: ['message'] }),
            node('OpenAIModel-2', 'OpenAIModel', { displayName: 'OpenAI', fields: { sim_reply: 'done' }, outputs: ['text_output'] }),
            node('Prompt-3', 'Prompt', { fields: { template: 'Result: {r}' }, outputs: ['prompt'] }),
            node('ChatOutput-4', 'ChatOutput', { outputs: ['message'] }),
          ],
          edges: [
            edge('ChatInput-1', 'message', 'OpenAIModel-2', 'input_value'),
            edge('OpenAIModel-2', 'text_output', 'Prompt-3', 'r'),
            edge('Prompt-3', 'prompt', 'ChatOutput-4', 'input_value'),
          ],
        },
      });
      const res = await rawRequest(sim.url, 'POST', `/api/v1/run/${id}?stream=true`, { body: { input_value: 'x' }, headers: { 'x-api-key': DEV_KEY } });
      const events = splitEvents(res.body);
      assert.deepEqual(events.map((e) => e.event), ['add_message', 'add_message', 'end']);
      assert.equal(events[1].data.text, 'Result: done');
    } finally {
      await sim.close();
    }
  });
});
