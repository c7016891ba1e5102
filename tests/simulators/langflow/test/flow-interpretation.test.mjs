// How the simulator executes uploaded flows: Chat Input -> Prompt -> model -> Chat
// Output, the fake model's deterministic replies and token counts, session memory,
// tweaks, and the real error responses for broken flows.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { countTokens, tokenize } from '../src/run/fake-llm.mjs';
import { edge, echoFlow, node, personaFlow } from './support/flow-builder.mjs';
import { startSimulator } from './support/simulator.mjs';

const PERSONA = '31111111-2222-4333-8444-555555555555';
const ECHO = '41111111-2222-4333-8444-555555555555';
const reply = (res) => res.json.outputs[0].outputs[0].results.message.text;
const usage = (res) => res.json.outputs[0].outputs[0].results.message.properties.usage;

describe('fake model', () => {
  it('tokenizes into whitespace-led word and symbol chunks that rebuild the text exactly', () => {
    assert.deepEqual(tokenize('Hello! How can I help?'), ['Hello', '!', ' How', ' can', ' I', ' help', '?']);
    for (const text of ['  spaced  out  ', "don't stop", 'a\nb\tc', 'Grüße 👋 x', '']) {
      assert.equal(tokenize(text).join(''), text);
    }
    assert.equal(countTokens(''), 0);
  });
});

describe('flow interpretation', () => {
  let sim;
  before(async () => {
    sim = await startSimulator();
  });
  beforeEach(async () => {
    await sim.sim('POST', '/reset');
    await sim.putFlow(PERSONA, personaFlow());
    await sim.putFlow(ECHO, echoFlow());
  });
  after(() => sim?.close());

  it('renders the Prompt, echoes "[first 4 words of the prompt] <input> (turn n)" deterministically', async () => {
    const a = await sim.run(PERSONA, { input_value: 'Where is the treasure?', session_id: 'a' });
    const b = await sim.run(PERSONA, { input_value: 'Where is the treasure?', session_id: 'b' });
    assert.equal(reply(a), '[You are a pirate] Where is the treasure? (turn 1)');
    assert.equal(reply(b), reply(a), 'same input, fresh session -> same reply');
  });

  it('counts tokens: input = system + prompt tokens, output = reply tokens (= token events when streaming)', async () => {
    const res = await sim.run(PERSONA, { input_value: 'Where is the treasure?', session_id: 'u' });
    const prompt = 'You are a pirate captain. Answer: Where is the treasure?';
    const expected = { input_tokens: countTokens(prompt), output_tokens: countTokens(reply(res)) };
    assert.deepEqual(usage(res), { ...expected, total_tokens: expected.input_tokens + expected.output_tokens });
    assert.deepEqual(usage(res), { input_tokens: 13, output_tokens: 15, total_tokens: 28 });
    const run = (await sim.sim('GET', '/runs')).json.runs.at(-1);
    assert.deepEqual(run.usage, usage(res));
    assert.equal(run.reply, reply(res));
  });

  it('session memory: the turn number counts replies already stored in the session', async () => {
    assert.match(reply(await sim.run(PERSONA, { input_value: 'one', session_id: 's1' })), /\(turn 1\)$/);
    assert.match(reply(await sim.run(PERSONA, { input_value: 'two', session_id: 's1' })), /\(turn 2\)$/);
    assert.match(reply(await sim.run(PERSONA, { input_value: 'other', session_id: 's2' })), /\(turn 1\)$/);
    const history = (await sim.sim('GET', '/sessions/s1')).json.messages;
    assert.deepEqual(history.map((m) => `${m.sender}:${m.text}`), [
      'User:one', 'Machine:[You are a pirate] one (turn 1)', 'User:two', 'Machine:[You are a pirate] two (turn 2)',
    ]);
  });

  it('without session_id the flow id is the session (one shared conversation), and it is echoed', async () => {
    const first = await sim.run(PERSONA, { input_value: 'x' });
    const second = await sim.run(PERSONA, { input_value: 'y' });
    assert.equal(first.json.session_id, PERSONA);
    assert.match(reply(second), /\(turn 2\)$/);
  });

  it('tweaks override node fields by node id, by display name, and globally', async () => {
    const byId = await sim.run(PERSONA, { input_value: 'hi', session_id: 't1', tweaks: { 'Prompt-p2': { persona: 'a tax advisor' } } });
    assert.equal(reply(byId), '[You are a tax] hi (turn 1)');
    const byName = await sim.run(PERSONA, { input_value: 'hi', session_id: 't2', tweaks: { Prompt: { template: 'Be {persona}: {input}' } } });
    assert.equal(reply(byName), '[Be a pirate captain:] hi (turn 1)');
    const global = await sim.run(PERSONA, { input_value: 'hi', session_id: 't3', tweaks: { system_message: 'You are terse.' } });
    assert.equal(reply(global), '[You are terse.] hi (turn 1)', 'system_message is preferred as context');
    const stored = (await sim.call('GET', `/api/v1/flows/${PERSONA}`)).json;
    assert.equal(stored.data.nodes[1].data.node.template.persona.value, 'a pirate captain', 'tweaks never touch the stored flow');
  });

  it('canned replies: sim_reply field or tweak, with {input} and {turn} placeholders', async () => {
    const res = await sim.run(PERSONA, {
      input_value: 'refund?', session_id: 'c', tweaks: { 'OpenAIModel-p3': { sim_reply: 'Re "{input}" (#{turn}): approved.' } },
    });
    assert.equal(reply(res), 'Re "refund?" (#1): approved.');
    await sim.putFlow(PERSONA, personaFlow({ simReply: 'Always this.' }));
    assert.equal(reply(await sim.run(PERSONA, { input_value: 'x', session_id: 'd' })), 'Always this.');
  });

  it('tweaking input_value of the Chat Input while sending input_value -> 400', async () => {
    const res = await sim.run(PERSONA, { input_value: 'x', tweaks: { 'ChatInput-p1': { input_value: 'y' } } });
    assert.equal(res.status, 400);
    assert.deepEqual(res.json, { detail: 'If you pass an input_value to the chat input, you cannot pass a tweak with the same name.' });
  });

  it('echo flow: the reply is the input, source empty, no usage', async () => {
    const res = await sim.run(ECHO, { input_value: 'same text' });
    assert.equal(reply(res), 'same text');
    assert.deepEqual(res.json.outputs[0].outputs[0].results.message.properties.source, { id: null, display_name: null, source: null });
    assert.equal(usage(res), null);
  });

  it('body quirks: invalid JSON or wrong types run with defaults; {"input": ...} runs with no input', async () => {
    const typo = await sim.run(ECHO, { input: 'lost' });
    assert.equal(typo.status, 200);
    assert.deepEqual(typo.json.outputs[0].inputs, {}, 'input_value was null');
    assert.equal(reply(typo), '');
    const wrongType = await sim.run(ECHO, { input_value: 42 });
    assert.equal(wrongType.status, 200);
    assert.deepEqual(wrongType.json.outputs[0].inputs, {});
    const garbage = await sim.call('POST', `/api/v1/run/${ECHO}`, { raw: '{not json', headers: { 'content-type': 'application/json' } });
    assert.equal(garbage.status, 200);
    const run = (await sim.sim('GET', '/runs')).json.runs.at(-1);
    assert.match(run.parse_warning, /Failed to parse request body/);
  });

  it('output_type and output_component choose the reported vertices', async () => {
    const debug = await sim.run(PERSONA, { input_value: 'hi', output_type: 'debug', session_id: 'o1' });
    assert.deepEqual(debug.json.outputs[0].outputs.map((o) => o.component_id), ['ChatInput-p1', 'Prompt-p2', 'OpenAIModel-p3', 'ChatOutput-p4']);
    const [, , modelVertex, outputVertex] = debug.json.outputs[0].outputs;
    assert.deepEqual(modelVertex.token_usage, outputVertex.results.message.properties.usage, 'model vertex reports its usage');
    assert.equal(outputVertex.token_usage, null);
    const text = await sim.run(PERSONA, { input_value: 'hi', output_type: 'text', session_id: 'o2' });
    assert.equal(text.json.outputs[0].outputs.length, 1, 'nothing matched "text" -> Langflow reports every output vertex');
    const one = await sim.run(PERSONA, { input_value: 'hi', output_component: 'Prompt-p2', session_id: 'o3' });
    assert.equal(one.json.outputs[0].outputs[0].results.prompt.text, 'You are a pirate captain. Answer: hi');
  });

  it('input_type "text" leaves a Chat Input empty', async () => {
    const res = await sim.run(ECHO, { input_value: 'x', input_type: 'text' });
    assert.equal(reply(res), '');
  });
});

describe('broken flows get the real error responses', () => {
  let sim;
  const flows = {
    noOutput: ['51111111-2222-4333-8444-555555555555', {
      name: 'no output',
      data: {
        nodes: [node('ChatInput-1', 'ChatInput', { outputs: ['message'] }), node('OpenAIModel-2', 'OpenAIModel', { displayName: 'OpenAI', outputs: ['text_output'] })],
        edges: [edge('ChatInput-1', 'message', 'OpenAIModel-2', 'input_value')],
      },
    }],
    noInput: ['61111111-2222-4333-8444-555555555555', {
      name: 'no input',
      data: {
        nodes: [node('OpenAIModel-2', 'OpenAIModel', { displayName: 'OpenAI', outputs: ['text_output'] }), node('ChatOutput-3', 'ChatOutput', { outputs: ['message'] })],
        edges: [edge('OpenAIModel-2', 'text_output', 'ChatOutput-3', 'input_value')],
      },
    }],
    danglingEdge: ['71111111-2222-4333-8444-555555555555', (() => {
      const f = echoFlow({ name: 'dangling', endpointName: 'dangling' });
      f.data.edges.push(edge('Prompt-gone', 'prompt', 'ChatOutput-e2', 'input_value'));
      return f;
    })()],
    noData: ['81111111-2222-4333-8444-555555555555', { name: 'no data' }],
    withCode: ['91111111-2222-4333-8444-555555555555', (() => {
      const f = personaFlow({ name: 'with code', endpointName: 'with-code' });
      f.data.nodes[1].data.node.template.code = { type: 'code', value: 'class X: ...' };
      return f;
    })()],
  };
  before(async () => {
    sim = await startSimulator();
    for (const [id, flow] of Object.values(flows)) assert.equal((await sim.putFlow(id, flow)).status, 201);
  });
  after(() => sim?.close());

  it('no Chat Output: 200 with an empty outputs list (Langflow does not treat it as an error)', async () => {
    const res = await sim.run(flows.noOutput[0], { input_value: 'hi' });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json.outputs[0].outputs, []);
  });

  it('no Chat Input: the model gets nothing -> 500 component error, detail is JSON inside a string', async () => {
    const res = await sim.run(flows.noInput[0], { input_value: 'hi' });
    assert.equal(res.status, 500);
    assert.deepEqual(JSON.parse(res.json.detail), {
      message: 'Error building Component OpenAI: \n\nThe message you want to send to the model is empty.',
      traceback: null, description: null, code: null, suggestion: null, source: null,
    });
  });

  it('an edge to a missing node: 404 "Vertex <id> not found" (ValueError mentioning "not found")', async () => {
    const res = await sim.run(flows.danglingEdge[0], { input_value: 'hi' });
    assert.equal(res.status, 404);
    assert.deepEqual(res.json, { detail: 'Vertex Prompt-gone not found' });
  });

  it('a flow stored without data: 500 "Flow <id> has no data"', async () => {
    const res = await sim.run(flows.noData[0], { input_value: 'hi' });
    assert.equal(res.status, 500);
    assert.equal(JSON.parse(res.json.detail).message, `Flow ${flows.noData[0]} has no data`);
  });

  it('sim_error makes the model raise: 500 with that message', async () => {
    const res = await sim.run(flows.noInput[0], { input_value: 'hi', tweaks: { 'OpenAIModel-2': { sim_error: 'Rate limit reached' } } });
    assert.equal(JSON.parse(res.json.detail).message, 'Error building Component OpenAI: \n\nRate limit reached');
  });

  it('tweaking a protected field (code) -> 422 TWEAKS_REFUSED and nothing runs', async () => {
    const res = await sim.run(flows.withCode[0], { input_value: 'x', session_id: 'code', tweaks: { 'Prompt-p2': { code: 'import os', persona: 'y' } } });
    assert.equal(res.status, 422);
    assert.deepEqual(res.json, {
      detail: { error: 'Refused tweaks', code: 'TWEAKS_REFUSED', message: 'The field is protected and keeps the value set by the flow author.', fields: ['code'] },
    });
    assert.deepEqual((await sim.sim('GET', '/sessions/code')).json.messages, []);
  });
});

describe('LANGFLOW_TWEAKS_POLICY=off', () => {
  it('refuses every caller tweak of a declared field with 422, but still runs without tweaks', async () => {
    const sim = await startSimulator({ LANGFLOW_TWEAKS_POLICY: 'off' });
    try {
      await sim.putFlow(PERSONA, personaFlow());
      const res = await sim.run(PERSONA, { input_value: 'x', tweaks: { 'Prompt-p2': { persona: 'y' } } });
      assert.equal(res.status, 422);
      assert.equal(res.json.detail.message, 'This deployment does not accept tweaks.');
      assert.equal((await sim.run(PERSONA, { input_value: 'x' })).status, 200);
    } finally {
      await sim.close();
    }
  });
});

describe('Memory component', () => {
  it('renders the session history into a prompt variable', async () => {
    const sim = await startSimulator();
    try {
      const id = 'a1111111-2222-4333-8444-555555555555';
      await sim.putFlow(id, {
        name: 'with memory',
        data: {
          nodes: [
            node('ChatInput-1', 'ChatInput', { outputs: ['message'] }),
            node('Memory-2', 'Memory', { fields: { n_messages: 100 }, outputs: ['messages_text'] }),
            node('Prompt-3', 'Prompt', { fields: { template: 'History:\n{history}\nUser: {input}' }, outputs: ['prompt'] }),
            node('OpenAIModel-4', 'OpenAIModel', { displayName: 'OpenAI', fields: { sim_reply: 'ok {turn}' }, outputs: ['text_output'] }),
            node('ChatOutput-5', 'ChatOutput', { outputs: ['message'] }),
          ],
          edges: [
            edge('Memory-2', 'messages_text', 'Prompt-3', 'history'),
            edge('ChatInput-1', 'message', 'Prompt-3', 'input'),
            edge('Prompt-3', 'prompt', 'OpenAIModel-4', 'input_value'),
            edge('OpenAIModel-4', 'text_output', 'ChatOutput-5', 'input_value'),
          ],
        },
      });
      await sim.run(id, { input_value: 'first', session_id: 'm' });
      const second = await sim.run(id, { input_value: 'second', session_id: 'm', output_component: 'Prompt-3' });
      assert.equal(second.json.outputs[0].outputs[0].results.prompt.text, 'History:\nUser: first\nAI: ok 1\nUser: second\nUser: second');
    } finally {
      await sim.close();
    }
  });
});
