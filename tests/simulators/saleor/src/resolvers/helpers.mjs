// Helpers shared by every resolver area: ids, metadata, channel context, mutation errors.
import { GraphQLError, isObjectType } from 'graphql';
import { fromGlobalId, toGlobalId } from '../ids.mjs';
import { hasAny, permissionDenied, requireAny } from '../auth.mjs';
import { money, taxed } from '../money.mjs';

/** A mutation result carrying business errors (HTTP 200, data.<mutation>.errors). */
export const fail = (errors, extra = {}) => ({ ...extra, errors: (Array.isArray(errors) ? errors : [errors]).map((e) => ({ field: null, ...e })) });

export class MutationError extends Error {
  constructor(errors) { super('mutation error'); this.errors = Array.isArray(errors) ? errors : [errors]; }
}
export const bad = (field, code, message, extra = {}) => new MutationError({ field, code, message, ...extra });

/** Wraps a mutation body so `throw bad(...)` becomes an errors payload and PermissionDenied stays top-level. */
export const mutation = (fn, onError = {}) => (root, args, ctx, info) => {
  try { return fn(args, ctx, info); } catch (e) {
    if (e instanceof MutationError) return fail(e.errors, onError);
    throw e;
  }
};

/** Resolves a global ID of an expected type to a record; throws a mutation error (NOT_FOUND / GRAPHQL_ERROR). */
export function getNode(map, id, types, field = 'id') {
  const g = fromGlobalId(id);
  const allowed = Array.isArray(types) ? types : [types];
  if (!g) throw bad(field, 'GRAPHQL_ERROR', `Couldn't resolve id: ${id}.`);
  if (!allowed.includes(g.type)) throw bad(field, 'GRAPHQL_ERROR', `Must receive a ${allowed.join(' or ')} id.`);
  const rec = map.get(g.pk);
  if (!rec) throw bad(field, 'NOT_FOUND', `Couldn't resolve to a node: ${id}`);
  return rec;
}

/** For queries: bad ids are top-level errors, unknown ids are null. */
export function lookupNode(map, id, type) {
  const g = fromGlobalId(id);
  if (!g) throw new GraphQLError(`Couldn't resolve id: ${id}.`);
  if (g.type !== type) throw new GraphQLError(`Must receive a ${type} id.`);
  return map.get(g.pk) ?? null;
}

export const metaList = (obj) => Object.entries(obj ?? {}).map(([key, value]) => ({ key, value }));

export function mergeMeta(target, items) {
  for (const { key, value } of items ?? []) target[key] = value;
}

export function validateMetaInput(items, field = 'metadata') {
  for (const { key } of items ?? []) if (!key || !key.trim()) throw bad(field, 'REQUIRED', 'Metadata key cannot be empty.');
}

/** Which permission guards an object's private metadata (and public metadata writes), per Saleor's meta/permissions.py. */
export function metadataPermissions(typename) {
  switch (typename) {
    case 'Order': case 'OrderLine': case 'Fulfillment': return ['MANAGE_ORDERS'];
    case 'Product': case 'ProductVariant': case 'Category': case 'ProductMedia': return ['MANAGE_PRODUCTS'];
    case 'ProductType': return ['MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES'];
    case 'Checkout': case 'CheckoutLine': return ['MANAGE_CHECKOUTS'];
    case 'Warehouse': return ['MANAGE_PRODUCTS'];
    case 'Channel': return ['MANAGE_CHANNELS'];
    case 'ShippingZone': case 'ShippingMethodType': case 'ShippingMethod': return ['MANAGE_SHIPPING'];
    case 'TransactionItem': return ['HANDLE_PAYMENTS'];
    case 'App': return ['MANAGE_APPS'];
    case 'User': return ['MANAGE_USERS', 'MANAGE_STAFF'];
    default: return ['MANAGE_SETTINGS'];
  }
}

function privateAllowed(ctx, record) {
  const t = record.__typename;
  if (t === 'App' && ctx.requestor.kind === 'app' && ctx.requestor.app.pk === record.pk) return true;
  if (t === 'User' && ctx.requestor.kind === 'user' && ctx.requestor.user.pk === record.pk) return true;
  return hasAny(ctx.requestor, metadataPermissions(t));
}

/** Generic resolvers: `id` for every Node type and the metadata fields of every ObjectWithMetadata. */
export function genericResolvers(schema) {
  const map = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const fields = type.getFields();
    const r = {};
    if (fields.id && type.getInterfaces().some((i) => i.name === 'Node')) {
      r.id = (src) => src.globalId ?? toGlobalId(type.name, src.pk);
    }
    if (fields.metadata && type.getInterfaces().some((i) => i.name === 'ObjectWithMetadata')) {
      r.metadata = (src) => metaList(src.metadata);
      r.metafield = (src, { key }) => src.metadata?.[key] ?? null;
      r.privateMetadata = (src, _a, ctx) => {
        if (!privateAllowed(ctx, src)) throw permissionDenied(metadataPermissions(src.__typename));
        return metaList(src.privateMetadata);
      };
      r.privateMetafield = (src, { key }, ctx) => {
        if (!privateAllowed(ctx, src)) throw permissionDenied(metadataPermissions(src.__typename));
        return src.privateMetadata?.[key] ?? null;
      };
    }
    if (Object.keys(r).length) map[type.name] = r;
  }
  return map;
}

/** Resolves the channel for a catalog query the way Saleor does: explicit slug, else the only channel. */
export function channelFor(ctx, slug, { required = false } = {}) {
  const { state } = ctx;
  if (slug) {
    for (const c of state.channels.values()) if (c.slug === slug) return c;
    throw new GraphQLError(`Channel with '${slug}' slug does not exist.`);
  }
  if (state.channels.size === 1) return [...state.channels.values()][0];
  if (required) throw new GraphQLError('More than one channel exists. Specify which channel to use.');
  return null;
}

/** A view of a record bound to a channel (Saleor's ChannelContext): reads through to the live record. */
export const inChannel = (record, channelSlug) => (record ? Object.create(record, { channelSlug: { value: channelSlug, enumerable: false } }) : null);

export { money, taxed, requireAny };
export { connection } from "../graphql/pagination.mjs";
