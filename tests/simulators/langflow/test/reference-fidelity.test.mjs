// Field-for-field comparison with ../shared/reference/langflow/examples.
//
// The simulator runs the exact example request against the flow the examples
// describe (ChatInput -> "OpenAI" gpt-4o-mini -> ChatOutput-q7W3e, flow id
// 3b1f6a52-..., canned reply "Hello! How can I help?") and must reproduce the
// example documents.
//
// Values excepted from equality (their FORMAT is still checked):
//   * every `timestamp`      - wall-clock time of the run
//   * message `id`           - a fresh uuid4 per stored message (results.message.data.id,
//                              add_message data.id, token data.id); the token ids must
//                              still equal the AI message id, which is asserted.
// Keys the simulator adds on purpose (present in current Langflow, absent from the
// hand-written examples):
//   * properties.usage       - lfx/schema/properties.py Usage {input_tokens, output_tokens, total_tokens}
//   * ResultData.token_usage - lfx/graph/vertex/base.py finalize_build (null on output vertices)
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pyDumps } from '../src/python-json.mjs';
import { REFERENCE_FLOW_ID, referenceFlow } from './support/flow-builder.mjs';
import { normalizeVolatile, shapeDifferences, withoutPaths } from './support/json-compare.mjs';
import { rawRequest } from './support/raw-http.mjs';
import { readReferenceJson, readReferenceText } from './support/reference.mjs';
import { DEV_KEY, startSimulator } from './support/simulator.mjs';

const ADDITIONS = [/\.properties\.usage$/, /\.outputs\[\d+\]\.outputs\[\d+\]\.token_usage$/];

function assertMatchesReference(expected, actual, label) {
  const shape = shapeDifferences(expected, actual, { allowExtra: ADDITIONS });
  assert.deepEqual(shape, [], `${label}: structure differs from the reference:\n${shape.join('\n')}`);
  const problems = [];
  const a = normalizeVolatile(withoutPaths(actual, ADDITIONS), problems);
  const e = normalizeVolatile(expected, []);
  assert.deepEqual(problems, [], `${label}: volatile values malformed`);
  assert.deepEqual(a, e, `${label}: values differ from the reference`);
}

describe('reference examples (../shared/reference/langflow/examples)', () => {
  let sim;
  // Read per test (not in before()) so a missing reference fails every test by name.
  const exampleRequest = () => readReferenceJson('langflow/examples/run-request.json');
  before(async () => {
    sim = await startSimulator();
    const put = await sim.putFlow(REFERENCE_FLOW_ID, referenceFlow());
    assert.equal(put.status, 201);
  });
  after(() => sim?.close());

  it('run-request.json is accepted as-is and run-response.json is reproduced field for field', async () => {
    const expected = readReferenceJson('langflow/examples/run-response.json');
    const res = await sim.run(REFERENCE_FLOW_ID, exampleRequest());
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json');
    assertMatchesReference(expected, res.json, 'run-response.json');
  });

  it('reports usage where current Langflow does: message properties.usage, ResultData.token_usage', async () => {
    const res = await sim.run(REFERENCE_FLOW_ID, exampleRequest());
    const vertex = res.json.outputs[0].outputs[0];
    const usage = { input_tokens: 1, output_tokens: 7, total_tokens: 8 }; // "Hello" -> "Hello! How can I help?"
    assert.deepEqual(vertex.results.message.properties.usage, usage);
    assert.deepEqual(vertex.results.message.data.properties.usage, usage);
    assert.equal(vertex.token_usage, null, 'output vertices report null; the total is on the message');
  });

  it('stream-events.ndjson is reproduced byte for byte apart from ids, timestamps and usage', async () => {
    const referenceText = readReferenceText('langflow/examples/stream-events.ndjson');
    const res = await rawRequest(sim.url, 'POST', `/api/v1/run/${REFERENCE_FLOW_ID}?stream=true`, {
      body: exampleRequest(), headers: { 'x-api-key': DEV_KEY },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8');
    assert.ok(res.body.endsWith('\n\n'), 'every event, the last included, ends with a blank line');

    const refBlocks = referenceText.split('\n\n').filter(Boolean);
    const simBlocks = res.body.split('\n\n').filter(Boolean);
    assert.deepEqual(simBlocks.map((b) => JSON.parse(b).event), refBlocks.map((b) => JSON.parse(b).event), 'event sequence');
    for (const [i, block] of simBlocks.entries()) {
      // Framing/spacing: each block is exactly Python's json.dumps of its content, as in the reference.
      assert.equal(block, pyDumps(JSON.parse(block)), `event ${i} is not json.dumps-formatted`);
      assert.equal(refBlocks[i], pyDumps(JSON.parse(refBlocks[i])), `reference event ${i} formatting assumption`);
      assertMatchesReference(JSON.parse(refBlocks[i]), JSON.parse(block), `stream event ${i}`);
    }
    const events = simBlocks.map((b) => JSON.parse(b));
    const aiId = events[1].data.id;
    assert.ok(events.filter((e) => e.event === 'token').every((e) => e.data.id === aiId), 'token ids = AI message id');
    assert.equal(events.at(-2).data.id, aiId, 'completed AI message keeps the id');
    assert.notEqual(events[0].data.id, aiId, 'user and AI messages have distinct ids');
  });

  it("the stream's end event carries the same document as the non-streaming response", async () => {
    const expected = readReferenceJson('langflow/examples/run-response.json');
    const res = await rawRequest(sim.url, 'POST', `/api/v1/run/${REFERENCE_FLOW_ID}?stream=true`, {
      body: exampleRequest(), headers: { 'x-api-key': DEV_KEY },
    });
    const end = res.body.split('\n\n').filter(Boolean).map((b) => JSON.parse(b)).at(-1);
    assert.equal(end.event, 'end');
    assertMatchesReference(expected, end.data.result, 'end.data.result');
  });

  it("a component failure has the reference's JSON-in-a-string 500 body", async () => {
    const md = readReferenceText('langflow/langflow.md');
    const literal = md.split('\n').find((line) => line.startsWith('{"detail": "{\\"message\\"'));
    assert.ok(literal, 'langflow.md no longer contains the literal 500 example this test relies on');
    const expected = JSON.parse(literal);
    const res = await sim.run(REFERENCE_FLOW_ID, {
      ...exampleRequest(), tweaks: { 'OpenAIModel-x9Y8z': { sim_error: 'Incorrect API key provided' } },
    });
    assert.equal(res.status, 500);
    assert.deepEqual(Object.keys(res.json), ['detail']);
    assert.equal(typeof res.json.detail, 'string', 'detail is a string that must be decoded again');
    const inner = JSON.parse(res.json.detail);
    assert.deepEqual(shapeDifferences(JSON.parse(expected.detail), inner), []);
    // Langflow's ComponentBuildError puts a blank line between prefix and cause.
    assert.equal(inner.message, 'Error building Component OpenAI: \n\nIncorrect API key provided');
    assert.equal(res.json.detail, JSON.stringify(inner), 'compact, as pydantic model_dump_json writes it');
  });
});
