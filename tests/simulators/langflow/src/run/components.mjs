// The component types the simulator interprets. Each takes (vertex, ctx) and returns
// { outputs: { <output name>: value }, usage? }. Behaviour follows the Langflow
// components of the same name closely enough for CMP's flows; anything that needs a
// real LLM is replaced by fake-llm.mjs.
import { isPlainObject } from '../http-utils.mjs';
import { kindOf } from './component-kinds.mjs';
import { fakeCompletion, tokenize } from './fake-llm.mjs';
import { ancestors, incomingEdges } from './graph.mjs';
import { SimMessage, dataDict, toText } from './message.mjs';
import { ComponentError } from './run-failure.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function field(vertex, name, fallback = undefined) {
  const f = vertex.template[name];
  if (!isPlainObject(f) || f.value === undefined || f.value === null) return fallback;
  return f.value;
}

function flag(vertex, name, fallback) {
  const v = field(vertex, name, fallback);
  return typeof v === 'string' ? v.toLowerCase() === 'true' : Boolean(v);
}

/** Value wired into `name` by edges (one edge: the value, several: a list), else the field's value. */
function input(vertex, name, ctx, fallback = undefined) {
  const edges = incomingEdges(ctx.graph, vertex.id, name);
  if (edges.length === 0) return field(vertex, name, fallback);
  const values = edges.map((e) => {
    const outputs = ctx.results.get(e.source)?.outputs ?? {};
    return e.output && e.output in outputs ? outputs[e.output] : Object.values(outputs)[0];
  });
  return values.length === 1 ? values[0] : values;
}

function outputsFor(vertex, value, defaultName) {
  const names = vertex.outputNames.length ? vertex.outputNames : [defaultName];
  return Object.fromEntries(names.map((n) => [n, value]));
}

function chatInput(vertex, ctx) {
  const { request } = ctx;
  const takesRequestInput = request.input_value !== null && (request.input_type === 'chat' || request.input_type === 'any');
  const text = takesRequestInput ? request.input_value : toText(field(vertex, 'input_value', ''));
  const message = new SimMessage({
    text,
    sender: field(vertex, 'sender', 'User'),
    senderName: field(vertex, 'sender_name', 'User'),
    sessionId: field(vertex, 'session_id', '') || ctx.sessionId,
    flowId: ctx.flowId,
  });
  if (ctx.userText === null) ctx.userText = text;
  return { outputs: outputsFor(vertex, message, 'message'), store: flag(vertex, 'should_store_message', true) };
}

function textInput(vertex, ctx) {
  const { request } = ctx;
  const takesRequestInput = request.input_value !== null && (request.input_type === 'text' || request.input_type === 'any');
  const text = takesRequestInput ? request.input_value : toText(field(vertex, 'input_value', ''));
  if (ctx.userText === null) ctx.userText = text;
  return { outputs: outputsFor(vertex, new SimMessage({ text, sessionId: ctx.sessionId, flowId: ctx.flowId }), 'text') };
}

/**
 * Renders `template` like Python's str.format: {name} is a variable, {{ and }} are
 * literal braces. Variables come from edges (fieldName = variable) or from the
 * node's field of the same name. A variable with neither leaves the template
 * unrendered, as lfx's Message.from_template does on a missing key.
 */
export function renderTemplate(template, lookup) {
  let out = '';
  for (let i = 0; i < template.length; i += 1) {
    const ch = template[i];
    const next = template[i + 1];
    if ((ch === '{' && next === '{') || (ch === '}' && next === '}')) {
      out += ch;
      i += 1;
    } else if (ch === '{') {
      const end = template.indexOf('}', i);
      if (end < 0) return template;
      const value = lookup(template.slice(i + 1, end).trim());
      if (value === undefined) return template;
      out += value;
      i = end;
    } else {
      out += ch;
    }
  }
  return out;
}

function prompt(vertex, ctx) {
  const template = toText(field(vertex, 'template', ''));
  const text = renderTemplate(template, (name) => {
    const wired = incomingEdges(ctx.graph, vertex.id, name).length > 0;
    if (!wired && !(name in vertex.template)) return undefined;
    return toText(input(vertex, name, ctx, ''));
  });
  return { outputs: outputsFor(vertex, new SimMessage({ text, sessionId: ctx.sessionId, flowId: ctx.flowId }), 'prompt') };
}

function memory(vertex, ctx) {
  const limit = Number(field(vertex, 'n_messages', 100)) || 100;
  const senderFilter = field(vertex, 'sender', 'Machine and User');
  const format = toText(field(vertex, 'template', '{sender_name}: {text}')) || '{sender_name}: {text}';
  const sessionId = field(vertex, 'session_id', '') || ctx.sessionId;
  const stored = ctx.sessionMessages(sessionId)
    .filter((m) => senderFilter === 'Machine and User' || m.sender === senderFilter)
    .slice(-limit);
  const text = stored
    .map((m) => format.replaceAll('{sender_name}', m.sender_name ?? '').replaceAll('{sender}', m.sender ?? '').replaceAll('{text}', m.text ?? ''))
    .join('\n');
  return { outputs: outputsFor(vertex, new SimMessage({ text, sessionId, flowId: ctx.flowId }), 'messages_text') };
}

function modelName(vertex) {
  const value = field(vertex, 'model_name') ?? field(vertex, 'model');
  if (Array.isArray(value)) return value[0]?.name ?? null;
  if (isPlainObject(value)) return value.name ?? null;
  return typeof value === 'string' && value ? value : null;
}

function feedsChatOutput(vertex, ctx) {
  return ctx.graph.edges.some((e) => e.source === vertex.id && kindOf(ctx.graph.byId.get(e.target).type) === 'chat_output');
}

async function streamReply(message, reply, failure, ctx) {
  // Langflow announces the empty AI message first, then one `token` per chunk with
  // that message's id, then the completed message once the stream is drained.
  await ctx.emit('add_message', dataDict(message, { text: '', usage: null }));
  const chunks = tokenize(reply);
  for (const [i, chunk] of chunks.entries()) {
    if (failure && i === failure.after_tokens) throw new ComponentError(failure.message);
    if (ctx.tokenDelayMs) await sleep(ctx.tokenDelayMs);
    await ctx.emit('token', { chunk, id: message.id, timestamp: dataDict(message).timestamp });
  }
  if (failure) throw new ComponentError(failure.message);
  message.timestamp = new Date();
  ctx.storeMessage(message);
  await ctx.emit('add_message', dataDict(message));
  message.streamed = true;
}

async function model(vertex, ctx) {
  const systemField = vertex.type === 'Agent' ? 'system_prompt' : 'system_message';
  const system = toText(input(vertex, systemField, ctx, ''));
  const promptText = toText(input(vertex, 'input_value', ctx, ''));
  const simError = field(vertex, 'sim_error');
  if (simError) throw new ComponentError(String(simError));
  if (!promptText && !system) throw new ComponentError('The message you want to send to the model is empty.');

  const { reply, usage } = fakeCompletion({
    system,
    prompt: promptText,
    userText: ctx.userText ?? promptText,
    turn: ctx.turn,
    canned: field(vertex, 'sim_reply'),
  });
  const message = new SimMessage({
    text: reply,
    sender: 'Machine',
    senderName: 'AI',
    sessionId: ctx.sessionId,
    flowId: ctx.flowId,
    source: { id: vertex.id, display_name: vertex.displayName, source: modelName(vertex) },
    icon: vertex.icon,
    usage,
  });
  const failure = ctx.takeInjectedFailure();
  // Tokens are streamed only on ?stream=true (Langflow injects stream=true into the
  // model) and only when the model feeds a Chat Output directly.
  const streams = ctx.stream && flag(vertex, 'stream', true) && feedsChatOutput(vertex, ctx);
  if (streams) await streamReply(message, reply, failure, ctx);
  else if (failure) throw new ComponentError(failure.message);
  return { outputs: { ...outputsFor(vertex, message, 'text_output'), text_output: message }, usage };
}

function accumulatedUsage(vertex, ctx) {
  const usages = ancestors(ctx.graph, vertex.id).map((v) => ctx.results.get(v.id)?.usage).filter(Boolean);
  if (!usages.length) return null;
  const input_tokens = usages.reduce((n, u) => n + u.input_tokens, 0);
  const output_tokens = usages.reduce((n, u) => n + u.output_tokens, 0);
  return { input_tokens, output_tokens, total_tokens: input_tokens + output_tokens };
}

async function chatOutput(vertex, ctx) {
  const value = input(vertex, 'input_value', ctx);
  if (value === undefined || value === null) throw new ComponentError('Input data cannot be None');
  // Like Langflow, an incoming model Message is reused (and mutated). A message that
  // another component already stored (e.g. the Chat Input turn of an echo flow) is
  // copied so the user's turn keeps its own id; anything else is wrapped.
  const reuse = value instanceof SimMessage && (!value.stored || value.streamed);
  const message = reuse ? value : new SimMessage({ text: toText(value), flowId: ctx.flowId });
  if (!reuse && value instanceof SimMessage) Object.assign(message, { source: { ...value.source }, icon: value.icon, usage: value.usage });
  if (!message.source.id || kindOf(ctx.graph.byId.get(message.source.id)?.type) !== 'model') {
    message.source = { id: null, display_name: null, source: null };
  }
  message.sender = field(vertex, 'sender', 'Machine');
  message.sender_name = field(vertex, 'sender_name', 'AI');
  message.session_id = field(vertex, 'session_id', '') || ctx.sessionId;
  message.flow_id = ctx.flowId;
  // Current Langflow shows the run's accumulated upstream usage on the output message.
  message.usage = accumulatedUsage(vertex, ctx) ?? message.usage ?? null;
  if (!message.streamed && flag(vertex, 'should_store_message', true)) {
    message.timestamp = new Date();
    ctx.storeMessage(message);
    await ctx.emit('add_message', dataDict(message));
  }
  return { outputs: outputsFor(vertex, message, 'message') };
}

function textOutput(vertex, ctx) {
  const text = toText(input(vertex, 'input_value', ctx, ''));
  return { outputs: outputsFor(vertex, new SimMessage({ text, sessionId: ctx.sessionId, flowId: ctx.flowId }), 'text') };
}

function unknown(vertex, ctx) {
  // Pass-through keeps decorative or utility components from breaking a flow; a
  // component with nothing wired in cannot be faked meaningfully, so it fails loudly.
  const edge = incomingEdges(ctx.graph, vertex.id)[0];
  if (!edge) throw new ComponentError(`The Langflow simulator does not implement component type '${vertex.type}'`);
  const outputs = ctx.results.get(edge.source)?.outputs ?? {};
  const value = edge.output && edge.output in outputs ? outputs[edge.output] : Object.values(outputs)[0];
  return { outputs: outputsFor(vertex, value, 'output') };
}

const RUNNERS = {
  chat_input: chatInput,
  text_input: textInput,
  prompt,
  memory,
  model,
  chat_output: chatOutput,
  text_output: textOutput,
  unknown,
};

export async function runComponent(vertex, ctx) {
  const result = await RUNNERS[kindOf(vertex.type)](vertex, ctx);
  if (result.store) {
    const message = Object.values(result.outputs)[0];
    ctx.storeMessage(message);
    await ctx.emit('add_message', dataDict(message));
  }
  return result;
}
