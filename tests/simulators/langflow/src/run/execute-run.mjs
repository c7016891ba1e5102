// One /run, start to finish, independent of HTTP: the same code path serves the JSON
// and the streaming response; `emit` is a no-op when not streaming.
import { sessionMessages } from '../state.mjs';
import { isOutputType, kindOf } from './component-kinds.mjs';
import { runComponent } from './components.mjs';
import { buildGraph } from './graph.mjs';
import { dataDict, toText } from './message.mjs';
import { runResponse } from './result-shape.mjs';
import { ComponentError, RunFailure } from './run-failure.mjs';
import { applyTweaks, validateInputAndTweaks } from './tweaks.mjs';

export async function executeRun({ state, flow, request, stream, emit, injectedFailure = null, tokenDelayMs = 0 }) {
  // Same order of checks as simple_run_flow.
  validateInputAndTweaks(request);
  if (flow.data === null || flow.data === undefined) throw new RunFailure('value_error', `Flow ${flow.id} has no data`);
  const data = structuredClone(flow.data);
  if (Array.isArray(data.nodes)) applyTweaks(data.nodes, request.tweaks, { stream, policy: state.config.tweaksPolicy });
  const graph = buildGraph(data);

  const sessionId = request.session_id || flow.id; // Langflow: no session id -> the flow id
  const history = sessionMessages(state, sessionId);
  let pendingFailure = injectedFailure;
  const ctx = {
    graph,
    request,
    flowId: flow.id,
    sessionId,
    stream,
    turn: 1 + history.filter((m) => m.sender === 'Machine').length,
    userText: null,
    results: new Map(),
    tokenDelayMs,
    emit: async (event, data) => {
      if (stream) await emit(event, data);
    },
    storeMessage: (message) => {
      message.stored = true;
      sessionMessages(state, message.session_id || sessionId).push(dataDict(message));
    },
    sessionMessages: (id) => sessionMessages(state, id),
    takeInjectedFailure: () => {
      const failure = pendingFailure;
      pendingFailure = null;
      return failure;
    },
  };
  const hasModel = graph.vertices.some((v) => kindOf(v.type) === 'model');

  for (const vertex of graph.order) {
    try {
      // An injected component failure normally hits the model; a flow without one
      // fails at its first output instead, so the fault still fires.
      if (!hasModel && pendingFailure && isOutputType(vertex.type)) throw new ComponentError(ctx.takeInjectedFailure().message);
      ctx.results.set(vertex.id, await runComponent(vertex, ctx));
    } catch (error) {
      if (error instanceof ComponentError) {
        throw new RunFailure('component', `Error building Component ${vertex.displayName}: \n\n${error.message}`);
      }
      throw error;
    }
  }

  const body = runResponse({ graph, request, results: ctx.results, sessionId });
  const replyVertex = graph.vertices.find((v) => kindOf(v.type) === 'chat_output' && ctx.results.has(v.id));
  const usages = graph.vertices.map((v) => ctx.results.get(v.id)?.usage).filter(Boolean);
  return {
    body,
    sessionId,
    reply: replyVertex ? toText(Object.values(ctx.results.get(replyVertex.id).outputs)[0]) : null,
    usage: usages.length
      ? usages.reduce((a, u) => ({
        input_tokens: a.input_tokens + u.input_tokens,
        output_tokens: a.output_tokens + u.output_tokens,
        total_tokens: a.total_tokens + u.total_tokens,
      }), { input_tokens: 0, output_tokens: 0, total_tokens: 0 })
      : null,
  };
}
