// Builds RunResponse / RunOutputs / ResultData exactly as the reference example lays
// them out (key order included), from what the components produced.
import { isOutputType, kindOf } from './component-kinds.mjs';
import { SimMessage, serialized, toText } from './message.mjs';

function chatOutputResult(vertex, name, message) {
  const text = message.text;
  return {
    results: { [name]: serialized(message) },
    artifacts: { message: text, sender: message.sender, sender_name: message.sender_name, files: [], type: 'object' },
    outputs: { [name]: { message: text, type: 'text' } },
    logs: { [name]: [] },
    messages: [{
      message: text,
      sender: message.sender,
      sender_name: message.sender_name,
      session_id: message.session_id,
      stream_url: null,
      component_id: vertex.id,
      files: [],
      type: 'text',
    }],
    timedelta: null,
    duration: null,
    component_display_name: vertex.displayName,
    component_id: vertex.id,
    used_frozen_result: false,
    // ResultData.token_usage (current lfx): output vertices report null because the
    // run's total is shown on the output message's properties.usage instead.
    token_usage: null,
  };
}

// Shapes for non-Chat-Output vertices (output_type=debug/any, output_component) are a
// plausible approximation; CMP only reads Chat Output results.
function genericResult(vertex, name, value, usage) {
  const text = toText(value);
  return {
    results: { [name]: value instanceof SimMessage ? serialized(value) : value ?? null },
    artifacts: { repr: text, raw: text, type: 'text' },
    outputs: { [name]: { message: text, type: 'text' } },
    logs: { [name]: [] },
    messages: [],
    timedelta: null,
    duration: null,
    component_display_name: vertex.displayName,
    component_id: vertex.id,
    used_frozen_result: false,
    token_usage: !isOutputType(vertex.type) && usage ? { ...usage } : null,
  };
}

export function resultData(vertex, result) {
  const [name, value] = Object.entries(result?.outputs ?? {})[0] ?? ['output', null];
  if (kindOf(vertex.type) === 'chat_output' && value instanceof SimMessage) return chatOutputResult(vertex, name, value);
  return genericResult(vertex, name, value, result?.usage);
}

/** Vertex selection of simple_run_flow + Graph._run (including its "nothing matched -> all outputs" quirk). */
export function reportedVertices(graph, request) {
  const wanted = request.output_component
    ? [request.output_component]
    : graph.vertices
      .filter((v) => request.output_type === 'debug' ||
        (isOutputType(v.type) && (request.output_type === 'any' || v.id.toLowerCase().includes(request.output_type))))
      .map((v) => v.id);
  return graph.vertices.filter((v) => (wanted.length === 0 && isOutputType(v.type)) || wanted.includes(v.id) || wanted.includes(v.displayName));
}

export function runResponse({ graph, request, results, sessionId }) {
  const outputs = reportedVertices(graph, request).map((v) => resultData(v, results.get(v.id)));
  return {
    session_id: sessionId,
    outputs: [{ inputs: request.input_value !== null ? { input_value: request.input_value } : {}, outputs }],
  };
}
