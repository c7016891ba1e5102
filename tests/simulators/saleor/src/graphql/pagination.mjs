// Relay connections with Saleor's rules: `first` or `last` is required and at most 100.
import { GraphQLError } from 'graphql';

const encode = (i) => Buffer.from(JSON.stringify([String(i)])).toString('base64');
const decode = (c) => { try { return Number(JSON.parse(Buffer.from(c, 'base64').toString('utf8'))[0]); } catch { return NaN; } };

export function connection(items, args, connectionName) {
  const { first, last, after, before } = args;
  if (first == null && last == null) {
    throw new GraphQLError(`You must provide a \`first\` or \`last\` value to properly paginate the \`${connectionName}\` connection.`);
  }
  const limit = first ?? last;
  if (limit > 100) {
    throw new GraphQLError(`Requesting ${limit} records on the \`${connectionName}\` connection exceeds the \`${first != null ? 'first' : 'last'}\` limit of 100 records.`);
  }
  if (limit < 0) throw new GraphQLError(`Argument \`${first != null ? 'first' : 'last'}\` on connection \`${connectionName}\` cannot be less than 0.`);
  let start = 0;
  let end = items.length;
  if (after) { const a = decode(after); if (Number.isNaN(a)) throw new GraphQLError('Received cursor is invalid.'); start = a + 1; }
  if (before) { const b = decode(before); if (Number.isNaN(b)) throw new GraphQLError('Received cursor is invalid.'); end = Math.min(end, b); }
  let slice = items.slice(start, end).map((node, i) => ({ node, index: start + i }));
  let hasNextPage = false;
  let hasPreviousPage = start > 0;
  if (first != null) { hasNextPage = slice.length > first; slice = slice.slice(0, first); }
  else { hasPreviousPage = slice.length > last; slice = slice.slice(Math.max(0, slice.length - last)); }
  const edges = slice.map(({ node, index }) => ({ node, cursor: encode(index) }));
  return {
    edges,
    totalCount: items.length,
    pageInfo: {
      hasNextPage, hasPreviousPage,
      startCursor: edges.length ? edges[0].cursor : null,
      endCursor: edges.length ? edges[edges.length - 1].cursor : null,
    },
  };
}
