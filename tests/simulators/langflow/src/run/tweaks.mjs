// Tweaks, applied the way lfx's process_tweaks does before the graph is built:
//  * a dict value is addressed to one node, by node id or by display_name;
//  * a non-dict value is a global tweak applied to every node that has that field;
//  * `stream` is injected as a global tweak (exempt from policy);
//  * unknown fields are skipped silently; protected fields (`code`) refuse the WHOLE
//    request with 422; LANGFLOW_TWEAKS_POLICY=declared|off refuse more.
// Simulator extension: `sim_*` keys (sim_reply, sim_error) addressed to a node are
// applied even when the node's template lacks them. Real Langflow skips them, so a
// request carrying them behaves normally against a real server.
import { isPlainObject } from '../http-utils.mjs';
import { RunFailure } from './run-failure.mjs';

const PROTECTED_REASON = 'The field is protected and keeps the value set by the flow author.';
const DECLARED_REASON =
  'This flow declares which fields the API may set. Only fields marked editable via API accept a tweak.';
const OFF_REASON = 'This deployment does not accept tweaks.';
const REASON_ORDER = [PROTECTED_REASON, DECLARED_REASON, OFF_REASON];

function templateOf(node) {
  const template = node?.data?.node?.template;
  return isPlainObject(template) ? template : null;
}

function isProtected(name, field) {
  return name === 'code' || field.type === 'code';
}

function refusalReason(name, field, { policy, declaresAllowlist, exempt }) {
  const refusedByPolicy =
    !exempt && (policy === 'off' || (policy === 'declared' && declaresAllowlist && field.api_editable !== true));
  if (refusedByPolicy && policy === 'off') return OFF_REASON;
  if (isProtected(name, field)) return PROTECTED_REASON;
  if (refusedByPolicy) return DECLARED_REASON;
  return null;
}

function applyValue(field, value) {
  const type = field.type ?? '';
  if (type === 'NestedDict' && typeof value === 'string') {
    try {
      field.value = JSON.parse(value);
    } catch {
      field.value = value;
    }
  } else if (type === 'dict' && isPlainObject(value)) {
    field.value = Object.keys(value).length === 1 && 'value' in value ? value.value : value;
  } else if (isPlainObject(value)) {
    Object.assign(field, value);
    if (!('load_from_db' in value) && 'load_from_db' in field) field.load_from_db = false;
  } else {
    field.value = value;
    if ('load_from_db' in field) field.load_from_db = false;
  }
}

/** The 400 Langflow answers before running when a tweak fights the request's input_value. */
export function validateInputAndTweaks(request) {
  if (!isPlainObject(request.tweaks)) return;
  for (const [key, value] of Object.entries(request.tweaks)) {
    if (!isPlainObject(value) || value.input_value === null || value.input_value === undefined) continue;
    const hasInput = request.input_value !== null;
    if (key.includes('ChatInput') || key.includes('Chat Input')) {
      if (hasInput && request.input_type === 'chat') {
        throw new RunFailure('invalid_chat_input',
          'If you pass an input_value to the chat input, you cannot pass a tweak with the same name.');
      }
    } else if ((key.includes('TextInput') || key.includes('Text Input')) && hasInput && request.input_type === 'text') {
      throw new RunFailure('invalid_chat_input',
        'If you pass an input_value to the text input, you cannot pass a tweak with the same name.');
    }
  }
}

/** Mutates `nodes` (a private copy of the flow's nodes). Throws RunFailure('tweaks_refused'). */
export function applyTweaks(nodes, tweaks, { stream, policy }) {
  const all = isPlainObject(tweaks) ? { ...tweaks } : {};
  const exemptKeys = new Set();
  if (!('stream' in all)) {
    all.stream = stream;
    exemptKeys.add('stream');
  }
  const byId = new Map(nodes.map((n) => [n?.id, n]));
  const byName = new Map(nodes.map((n) => [n?.data?.node?.display_name, n]));
  const declaresAllowlist = nodes.some((n) => Object.values(templateOf(n) ?? {}).some((f) => isPlainObject(f) && f.api_editable === true));

  const pending = [];
  const globals = {};
  for (const [key, value] of Object.entries(all)) {
    if (isPlainObject(value)) {
      const node = byId.get(key) ?? byName.get(key);
      if (node) pending.push([node, value]);
    } else {
      globals[key] = value;
    }
  }
  if (Object.keys(globals).length) nodes.forEach((node) => pending.push([node, globals]));

  // Decide first, mutate second: one refused key refuses the whole request.
  const refused = [];
  for (const [node, nodeTweaks] of pending) {
    const template = templateOf(node);
    if (!template) continue;
    for (const name of Object.keys(nodeTweaks)) {
      const field = template[name];
      if (!isPlainObject(field)) continue;
      const reason = refusalReason(name, field, { policy, declaresAllowlist, exempt: exemptKeys.has(name) });
      if (reason) refused.push([name, reason]);
    }
  }
  if (refused.length) {
    const fields = [...new Set(refused.map(([name]) => name))].sort();
    const present = new Set(refused.map(([, reason]) => reason));
    const reason = REASON_ORDER.filter((r) => present.has(r)).join(' ');
    throw new RunFailure('tweaks_refused', `Refused tweak keys: ${fields.join(', ')}`, { fields, reason });
  }

  for (const [node, nodeTweaks] of pending) {
    const template = templateOf(node);
    if (!template) continue;
    for (const [name, value] of Object.entries(nodeTweaks)) {
      if (isPlainObject(template[name])) applyValue(template[name], value);
      else if (name.startsWith('sim_') && nodeTweaks !== globals) template[name] = { type: 'str', value };
    }
  }
}
