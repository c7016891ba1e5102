// SimplifiedAPIRequest as the newest /run handler parses it: the raw body is decoded
// by hand, and ANY failure (bad JSON, wrong type, unknown enum) silently yields an
// all-default request instead of a 422. Unknown keys are ignored. A client typo such
// as {"input": "..."} therefore runs the flow with no input - exactly as real Langflow.
import { isPlainObject } from '../http-utils.mjs';

export const DEFAULT_RUN_REQUEST = Object.freeze({
  input_value: null,
  input_type: 'chat',
  output_type: 'chat',
  output_component: '',
  tweaks: null,
  session_id: null,
  user_id: null,
});

const INPUT_TYPES = ['chat', 'text', 'any'];
const OUTPUT_TYPES = ['chat', 'text', 'any', 'debug'];

function validate(body) {
  const out = { ...DEFAULT_RUN_REQUEST };
  const optionalString = (key) => {
    if (!(key in body) || body[key] === null) return true;
    if (typeof body[key] !== 'string') return false;
    out[key] = body[key];
    return true;
  };
  const oneOf = (key, allowed) => {
    if (!(key in body) || body[key] === null) return true;
    if (!allowed.includes(body[key])) return false;
    out[key] = body[key];
    return true;
  };
  const ok =
    optionalString('input_value') &&
    optionalString('session_id') &&
    optionalString('user_id') &&
    optionalString('output_component') &&
    oneOf('input_type', INPUT_TYPES) &&
    oneOf('output_type', OUTPUT_TYPES) &&
    (!('tweaks' in body) || body.tweaks === null || isPlainObject(body.tweaks));
  if (!ok) return null;
  if (isPlainObject(body.tweaks)) out.tweaks = body.tweaks;
  if (out.output_component === null) out.output_component = '';
  return out;
}

/** Returns { request, parseWarning } where parseWarning explains a fallback to defaults. */
export function parseRunRequest(buffer) {
  const text = buffer.toString('utf8');
  if (text.trim() === '') return { request: { ...DEFAULT_RUN_REQUEST }, parseWarning: null };
  let body;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return { request: { ...DEFAULT_RUN_REQUEST }, parseWarning: `Failed to parse request body: ${error.message}` };
  }
  if (!isPlainObject(body)) {
    return { request: { ...DEFAULT_RUN_REQUEST }, parseWarning: 'Failed to parse request body: not a JSON object' };
  }
  const request = validate(body);
  if (!request) {
    return { request: { ...DEFAULT_RUN_REQUEST }, parseWarning: 'Failed to parse request body: field validation failed' };
  }
  return { request, parseWarning: null };
}
