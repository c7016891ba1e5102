// Relay global IDs as Saleor builds them: base64("<TypeName>:<pk>").
import { randomUUID } from 'node:crypto';

export const toGlobalId = (type, pk) => Buffer.from(`${type}:${pk}`, 'utf8').toString('base64');

/** Returns {type, pk} or null when the string is not a global ID. */
export function fromGlobalId(id) {
  if (typeof id !== 'string' || !id) return null;
  const text = Buffer.from(id, 'base64').toString('utf8');
  const i = text.indexOf(':');
  if (i <= 0 || Buffer.from(text, 'utf8').toString('base64').replace(/=+$/, '') !== id.replace(/=+$/, '')) return null;
  return { type: text.slice(0, i), pk: text.slice(i + 1) };
}

export const uuid = () => randomUUID();
