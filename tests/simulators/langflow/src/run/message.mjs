// Langflow's Message and its three wire renderings:
//  * dataDict()   - the `data` dict inside results.message and every add_message event
//  * serialized() - results.message: the Data envelope plus the fields flattened beside it
//  * the ChatOutputResponse rows of ResultData.messages (built in result-shape.mjs)
import { randomUUID } from 'node:crypto';

const EMPTY_SOURCE = Object.freeze({ id: null, display_name: null, source: null });

export class SimMessage {
  constructor({ text = '', sender = null, senderName = null, sessionId = '', flowId = null, source, icon = '', usage = null }) {
    this.id = randomUUID();
    this.text = text;
    this.sender = sender;
    this.sender_name = senderName;
    this.session_id = sessionId;
    this.flow_id = flowId;
    this.timestamp = new Date();
    this.source = { ...(source ?? EMPTY_SOURCE) };
    this.icon = icon;
    this.usage = usage;
    this.streamed = false; // already announced through add_message/token events by a model
    this.stored = false; // already written to the session history
  }
}

const pad = (n) => String(n).padStart(2, '0');

/** "2026-11-21 23:30:05 UTC" - the format Message stores. */
export function langflowTimestamp(date) {
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} UTC`;
}

/** "2026-11-21T23:30:05Z" - what the top-level Message timestamp serialiser emits. */
export function isoSeconds(date) {
  return `${date.toISOString().slice(0, 19)}Z`;
}

export function properties(message, { usage = message.usage } = {}) {
  return {
    text_color: '',
    background_color: '',
    edited: false,
    source: { id: message.source.id ?? null, display_name: message.source.display_name ?? null, source: message.source.source ?? null },
    icon: message.icon ?? '',
    allow_markdown: false,
    positive_feedback: null,
    state: 'complete',
    targets: [],
    // Properties.usage exists in current Langflow (lfx/schema/properties.py); the
    // reference example predates it. null when no model reported usage.
    usage: usage ? { ...usage } : null,
  };
}

export function dataDict(message, overrides = {}) {
  const text = overrides.text ?? message.text;
  return {
    timestamp: langflowTimestamp(message.timestamp),
    sender: message.sender,
    sender_name: message.sender_name,
    session_id: message.session_id,
    text,
    files: [],
    error: false,
    edit: false,
    properties: properties(message, overrides),
    category: 'message',
    content_blocks: [],
    id: message.id,
    flow_id: message.flow_id,
    duration: null,
  };
}

export function serialized(message) {
  return {
    text_key: 'text',
    data: dataDict(message),
    default_value: '',
    text: message.text,
    sender: message.sender,
    sender_name: message.sender_name,
    files: [],
    session_id: message.session_id,
    timestamp: isoSeconds(message.timestamp),
    flow_id: message.flow_id,
    error: false,
    edit: false,
    properties: properties(message),
    category: 'message',
    content_blocks: [],
    duration: null,
  };
}

/** Text of anything a component can receive on an input. */
export function toText(value) {
  if (value === null || value === undefined) return '';
  if (value instanceof SimMessage) return value.text ?? '';
  if (Array.isArray(value)) return value.map(toText).join('\n');
  if (typeof value === 'object') {
    if (typeof value.text === 'string') return value.text;
    return JSON.stringify(value);
  }
  return String(value);
}
