// updateMetadata / updatePrivateMetadata / deleteMetadata / deletePrivateMetadata on any
// ObjectWithMetadata the simulator stores (saleor.md §6.2).
import { hasAny, permissionDenied } from '../auth.mjs';
import { fromGlobalId } from '../ids.mjs';
import { bad, metadataPermissions, mutation } from './helpers.mjs';

const STORES = {
  Order: 'orders', Product: 'products', ProductVariant: 'variants', Category: 'categories', ProductType: 'productTypes',
  Checkout: 'checkouts', Warehouse: 'warehouses', Channel: 'channels', ShippingZone: 'shippingZones',
  ShippingMethodType: 'shippingMethods', TransactionItem: 'transactions', App: 'apps', Fulfillment: 'fulfillments', ProductMedia: 'media',
};

function findObject(state, id) {
  // Orders and checkouts may also be addressed by their bare UUID token.
  if (/^[0-9a-f-]{36}$/i.test(id)) return state.orders.get(id) ?? state.checkouts.get(id) ?? null;
  const g = fromGlobalId(id);
  if (!g) throw bad('id', 'GRAPHQL_ERROR', `Couldn't resolve id: ${id}.`);
  if (g.type === 'OrderLine') {
    for (const o of state.orders.values()) { const l = o.lines.find((x) => x.pk === g.pk); if (l) return l; }
    return null;
  }
  const store = STORES[g.type];
  if (!store) throw bad('id', 'INVALID', `Metadata is not supported on ${g.type} by the simulator.`);
  return state[store].get(g.pk) ?? null;
}

function checkPermission(ctx, item, isPrivate) {
  const t = item.__typename;
  if (t === 'Checkout' && !isPrivate) return; // the checkout id is the capability
  if (t === 'App' && ctx.requestor.kind === 'app' && ctx.requestor.app.pk === item.pk) return;
  const perms = t === 'Checkout' ? ['MANAGE_CHECKOUTS', 'HANDLE_CHECKOUTS'] : metadataPermissions(t);
  if (!hasAny(ctx.requestor, perms)) throw permissionDenied(perms);
}

const make = (isPrivate, remove) => mutation((args, ctx) => {
  const item = findObject(ctx.state, args.id);
  if (!item) throw bad('id', 'NOT_FOUND', `Couldn't resolve to a node: ${args.id}`);
  checkPermission(ctx, item, isPrivate);
  const target = isPrivate ? item.privateMetadata : item.metadata;
  if (remove) for (const k of args.keys) delete target[k];
  else {
    for (const { key } of args.input) if (!key || !key.trim()) throw bad('input', 'REQUIRED', 'Metadata key cannot be empty.');
    for (const { key, value } of args.input) target[key] = value;
  }
  return { item, errors: [] };
});

export const metadataResolvers = {
  Mutation: {
    updateMetadata: make(false, false),
    updatePrivateMetadata: make(true, false),
    deleteMetadata: make(false, true),
    deletePrivateMetadata: make(true, true),
  },
};
