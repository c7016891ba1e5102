// Validates a webhook's subscription query the way Saleor's SubscriptionQuery does, and infers
// its events from the `... on <EventType>` fragments under `event`.
import { Kind, parse, validate } from 'graphql';

export const eventTypeOfTypename = (name) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

export function validateSubscriptionQuery(schema, query) {
  let ast;
  try { ast = parse(query); } catch (e) { return { valid: false, code: 'SYNTAX', message: e.message }; }
  const errors = validate(schema, ast);
  if (errors.length) return { valid: false, code: 'GRAPHQL_ERROR', message: [...new Set(errors.map((e) => e.message))].join(';') };
  const sub = ast.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION && d.operation === 'subscription');
  if (!sub) return { valid: false, code: 'MISSING_SUBSCRIPTION', message: "Subscription operation can't be found." };
  const names = sub.selectionSet.selections.map((s) => s.name?.value);
  if (names.length > 1 && !names.every((n) => n === 'event')) return { valid: false, code: 'INVALID', message: 'Subscription must select only one top field.' };
  const eventField = sub.selectionSet.selections.find((s) => s.kind === Kind.FIELD && s.name.value === 'event');
  if (!eventField) return { valid: false, code: 'UNABLE_TO_PARSE', message: "Event field can't be found." };
  const fragments = Object.fromEntries(ast.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const found = new Set();
  const walk = (selectionSet) => {
    for (const s of selectionSet?.selections ?? []) {
      if (s.kind === Kind.INLINE_FRAGMENT && s.typeCondition && s.typeCondition.name.value !== 'Event') found.add(s.typeCondition.name.value);
      else if (s.kind === Kind.INLINE_FRAGMENT) walk(s.selectionSet);
      else if (s.kind === Kind.FRAGMENT_SPREAD) {
        const f = fragments[s.name.value];
        if (f && f.typeCondition.name.value !== 'Event') found.add(f.typeCondition.name.value);
        else if (f) walk(f.selectionSet);
      }
    }
  };
  walk(eventField.selectionSet);
  if (!found.size) return { valid: false, code: 'MISSING_EVENT', message: "Can't find a single event." };
  return { valid: true, events: [...found].map(eventTypeOfTypename).sort(), ast };
}
