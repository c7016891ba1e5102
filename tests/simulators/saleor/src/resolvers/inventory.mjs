// Channels, warehouses, stock and shipping (zones, methods, channel listings).
import { requireAny } from '../auth.mjs';
import { nextPk, findBy } from '../store.mjs';
import { toMinor } from '../money.mjs';
import { cleanAddress, countryDisplay } from './address.mjs';
import { bad, connection, getNode, lookupNode, money, mutation, validateMetaInput } from './helpers.mjs';
import { fromGlobalId } from '../ids.mjs';

const CHANNEL_READ = ['AUTHENTICATED_APP', 'AUTHENTICATED_STAFF_USER'];
const guarded = (fn) => (src, args, ctx) => { requireAny(ctx.requestor, CHANNEL_READ); return fn(src, args, ctx); };

export function slugify(text) {
  return String(text).normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9\s-]/g, '').trim().replace(/[\s-]+/g, '-');
}

/** Saleor's unique slug generation: the slugified name, then name-2, name-3, ... */
export function uniqueSlug(map, base) {
  const root = slugify(base) || 'item';
  let slug = root;
  for (let i = 2; findBy(map, (x) => x.slug === slug); i++) slug = `${root}-${i}`;
  return slug;
}

/** Resolves a list of global IDs of one type; unknown ones become a NOT_FOUND error listing them. */
export function resolveIds(map, ids, type, field, listKey) {
  const found = [];
  const missing = [];
  for (const id of ids ?? []) {
    const g = fromGlobalId(id);
    const rec = g && g.type === type ? map.get(g.pk) : null;
    if (rec) found.push(rec); else missing.push(id);
  }
  if (missing.length) throw bad(field, 'NOT_FOUND', `Couldn't resolve to a node: ${missing[0]}`, listKey ? { [listKey]: missing } : {});
  return found;
}

export const channelWarehouses = (state, channel) => channel.warehousePks.map((pk) => state.warehouses.get(pk)).filter(Boolean);

export const stockKey = (variantPk, warehousePk) => `${variantPk}:${warehousePk}`;

export function upsertStock(state, variant, warehouse, quantity) {
  const key = stockKey(variant.pk, warehouse.pk);
  let s = state.stocks.get(key);
  if (!s) { s = { __typename: 'Stock', pk: nextPk(state, 'Stock'), variantPk: variant.pk, warehousePk: warehouse.pk, quantity: 0, quantityAllocated: 0 }; state.stocks.set(key, s); }
  s.quantity = quantity;
  return s;
}

export const variantStocks = (state, variant) => [...state.stocks.values()].filter((s) => s.variantPk === variant.pk);

/** Shipping methods usable for a channel + destination country (zone covers the country and is in the channel, method is listed there). */
export function shippingMethodsFor(state, channel, country) {
  const out = [];
  for (const zone of state.shippingZones.values()) {
    if (!zone.channelPks.includes(channel.pk) || !zone.countries.includes(country)) continue;
    for (const m of state.shippingMethods.values()) {
      if (m.zonePk !== zone.pk) continue;
      const listing = m.channelListings.get(channel.pk);
      if (listing) out.push({ method: m, listing });
    }
  }
  return out;
}

export const inventoryResolvers = {
  Query: {
    channels: (_r, _a, ctx) => { requireAny(ctx.requestor, CHANNEL_READ); return [...ctx.state.channels.values()]; },
    channel: (_r, { id, slug }, ctx) => {
      if (id) return lookupNode(ctx.state.channels, id, 'Channel');
      if (slug) return findBy(ctx.state.channels, (c) => c.slug === slug);
      return null;
    },
    warehouse: (_r, { id }, ctx) => { requireAny(ctx.requestor, ['MANAGE_PRODUCTS', 'MANAGE_ORDERS', 'MANAGE_SHIPPING']); return id ? lookupNode(ctx.state.warehouses, id, 'Warehouse') : null; },
    warehouses: (_r, args, ctx) => {
      requireAny(ctx.requestor, ['MANAGE_PRODUCTS', 'MANAGE_ORDERS', 'MANAGE_SHIPPING']);
      let items = [...ctx.state.warehouses.values()];
      const f = args.filter ?? {};
      if (f.search) { const q = f.search.toLowerCase(); items = items.filter((w) => w.name.toLowerCase().includes(q) || w.email.toLowerCase().includes(q) || w.slug.includes(q)); }
      if (f.slugs) items = items.filter((w) => f.slugs.includes(w.slug));
      if (f.ids) { const pks = f.ids.map((i) => fromGlobalId(i)?.pk); items = items.filter((w) => pks.includes(w.pk)); }
      if (f.channels) {
        const chans = f.channels.map((i) => ctx.state.channels.get(fromGlobalId(i)?.pk)).filter(Boolean);
        items = items.filter((w) => chans.some((c) => c.warehousePks.includes(w.pk)));
      }
      return connection(items.sort((a, b) => a.slug.localeCompare(b.slug)), args, 'warehouses');
    },
    shippingZone: (_r, { id }, ctx) => { requireAny(ctx.requestor, ['MANAGE_SHIPPING']); return lookupNode(ctx.state.shippingZones, id, 'ShippingZone'); },
    shippingZones: (_r, args, ctx) => {
      requireAny(ctx.requestor, ['MANAGE_SHIPPING']);
      let items = [...ctx.state.shippingZones.values()];
      const f = args.filter ?? {};
      if (f.search) items = items.filter((z) => z.name.toLowerCase().includes(f.search.toLowerCase()));
      if (f.channels) { const pks = f.channels.map((i) => fromGlobalId(i)?.pk); items = items.filter((z) => z.channelPks.some((p) => pks.includes(p))); }
      if (args.channel) { const c = findBy(ctx.state.channels, (x) => x.slug === args.channel); items = c ? items.filter((z) => z.channelPks.includes(c.pk)) : []; }
      return connection(items, args, 'shippingZones');
    },
  },
  Channel: {
    name: guarded((c) => c.name),
    isActive: guarded((c) => c.isActive),
    currencyCode: guarded((c) => c.currencyCode),
    defaultCountry: guarded((c) => countryDisplay(c.defaultCountry)),
    warehouses: guarded((c, _a, ctx) => channelWarehouses(ctx.state, c)),
  },
  Warehouse: {
    shippingZones: (w, args, ctx) => connection([...ctx.state.shippingZones.values()].filter((z) => z.warehousePks.includes(w.pk)), { first: 100, ...args }, 'shippingZones'),
    externalReference: (w) => w.externalReference ?? null,
  },
  Stock: {
    warehouse: (s, _a, ctx) => ctx.state.warehouses.get(s.warehousePk),
    productVariant: (s, _a, ctx) => ctx.state.variants.get(s.variantPk),
    quantity: (s, _a, ctx) => { requireAny(ctx.requestor, ['MANAGE_PRODUCTS', 'MANAGE_ORDERS']); return s.quantity; },
    quantityAllocated: (s, _a, ctx) => { requireAny(ctx.requestor, ['MANAGE_PRODUCTS', 'MANAGE_ORDERS']); return s.quantityAllocated; },
  },
  ShippingZone: {
    countries: (z) => z.countries.map(countryDisplay),
    shippingMethods: (z, _a, ctx) => [...ctx.state.shippingMethods.values()].filter((m) => m.zonePk === z.pk),
    warehouses: (z, _a, ctx) => z.warehousePks.map((pk) => ctx.state.warehouses.get(pk)).filter(Boolean),
    channels: (z, _a, ctx) => z.channelPks.map((pk) => ctx.state.channels.get(pk)).filter(Boolean),
  },
  ShippingMethodType: {
    channelListings: (m, _a, ctx) => {
      requireAny(ctx.requestor, ['MANAGE_SHIPPING']);
      return [...m.channelListings.entries()].map(([channelPk, l]) => ({ __typename: 'ShippingMethodChannelListing', pk: l.pk, channelPk, priceMinor: l.priceMinor }));
    },
  },
  ShippingMethodChannelListing: {
    channel: (l, _a, ctx) => ctx.state.channels.get(l.channelPk),
    price: (l, _a, ctx) => money(l.priceMinor, ctx.state.channels.get(l.channelPk).currencyCode),
  },
  Mutation: {
    channelUpdate: mutation(({ id, input }, ctx) => {
      requireAny(ctx.requestor, ['MANAGE_CHANNELS']);
      const channel = getNode(ctx.state.channels, id, 'Channel');
      const add = resolveIds(ctx.state.warehouses, input.addWarehouses, 'Warehouse', 'addWarehouses', 'warehouses');
      const remove = resolveIds(ctx.state.warehouses, input.removeWarehouses, 'Warehouse', 'removeWarehouses', 'warehouses');
      const addZ = resolveIds(ctx.state.shippingZones, input.addShippingZones, 'ShippingZone', 'addShippingZones', 'shippingZones');
      const removeZ = resolveIds(ctx.state.shippingZones, input.removeShippingZones, 'ShippingZone', 'removeShippingZones', 'shippingZones');
      const dupW = add.filter((w) => remove.includes(w));
      if (dupW.length) throw bad('warehouses', 'DUPLICATED_INPUT_ITEM', 'The same object cannot be in both lists for adding and removing items.');
      for (const w of add) if (!channel.warehousePks.includes(w.pk)) channel.warehousePks.push(w.pk);
      channel.warehousePks = channel.warehousePks.filter((pk) => !remove.some((w) => w.pk === pk));
      for (const z of addZ) if (!z.channelPks.includes(channel.pk)) z.channelPks.push(channel.pk);
      for (const z of removeZ) z.channelPks = z.channelPks.filter((pk) => pk !== channel.pk);
      return { channel, errors: [] };
    }),
    createWarehouse: mutation(({ input }, ctx) => {
      requireAny(ctx.requestor, ['MANAGE_PRODUCTS']);
      if (!input.name || !input.name.trim()) throw bad('name', 'REQUIRED', 'This field cannot be blank.');
      let slug = input.slug ? input.slug : null;
      if (slug && findBy(ctx.state.warehouses, (w) => w.slug === slug)) throw bad('slug', 'UNIQUE', 'Warehouse with this Slug already exists.');
      if (!slug) slug = uniqueSlug(ctx.state.warehouses, input.name);
      if (input.externalReference && findBy(ctx.state.warehouses, (w) => w.externalReference === input.externalReference)) {
        throw bad('externalReference', 'UNIQUE', 'Warehouse with this External reference already exists.');
      }
      const address = cleanAddress(ctx.state, input.address, 'address', { checkRequired: false });
      const w = {
        __typename: 'Warehouse', pk: nextPk(ctx.state, 'Warehouse'), name: input.name, slug, email: input.email ?? '',
        isPrivate: true, address, externalReference: input.externalReference ?? null, metadata: {}, privateMetadata: {},
      };
      ctx.state.warehouses.set(w.pk, w);
      return { warehouse: w, errors: [] };
    }),
    productVariantStocksCreate: mutation(({ variantId, stocks }, ctx) => {
      requireAny(ctx.requestor, ['MANAGE_PRODUCTS']);
      const variant = getNode(ctx.state.variants, variantId, 'ProductVariant', 'variantId');
      const errors = [];
      const planned = stocks.map((s, index) => {
        const g = fromGlobalId(s.warehouse);
        const w = g && g.type === 'Warehouse' ? ctx.state.warehouses.get(g.pk) : null;
        if (!w) errors.push({ field: 'warehouse', code: 'NOT_FOUND', message: `Couldn't resolve to a node: ${s.warehouse}`, index });
        else if (ctx.state.stocks.has(stockKey(variant.pk, w.pk))) errors.push({ field: 'warehouse', code: 'UNIQUE', message: 'Stock for this warehouse already exists for this product variant.', index });
        return { w, quantity: s.quantity };
      });
      if (errors.length) return { productVariant: null, errors: errors.map((e) => ({ ...e })) };
      for (const { w, quantity } of planned) upsertStock(ctx.state, variant, w, quantity);
      return { productVariant: variant, errors: [] };
    }),
    productVariantStocksUpdate: mutation(({ variantId, sku, stocks }, ctx) => {
      requireAny(ctx.requestor, ['MANAGE_PRODUCTS']);
      let variant;
      if (variantId) variant = getNode(ctx.state.variants, variantId, 'ProductVariant', 'variantId');
      else if (sku) { variant = findBy(ctx.state.variants, (v) => v.sku === sku); if (!variant) throw bad('sku', 'NOT_FOUND', `Couldn't resolve to a node: ${sku}`); }
      else throw bad('sku', 'GRAPHQL_ERROR', 'At least one of arguments is required: sku, variant_id.');
      const planned = stocks.map((s, index) => {
        const g = fromGlobalId(s.warehouse);
        const w = g && g.type === 'Warehouse' ? ctx.state.warehouses.get(g.pk) : null;
        if (!w) throw bad('warehouse', 'NOT_FOUND', `Couldn't resolve to a node: ${s.warehouse}`, { index });
        return { w, quantity: s.quantity };
      });
      for (const { w, quantity } of planned) upsertStock(ctx.state, variant, w, quantity);
      return { productVariant: variant, errors: [] };
    }),
    shippingZoneCreate: mutation(({ input }, ctx) => {
      requireAny(ctx.requestor, ['MANAGE_SHIPPING']);
      const warehouses = resolveIds(ctx.state.warehouses, input.addWarehouses, 'Warehouse', 'addWarehouses', 'warehouses');
      const channels = resolveIds(ctx.state.channels, input.addChannels, 'Channel', 'addChannels', 'channels');
      if (input.default && findBy(ctx.state.shippingZones, (z) => z.default)) throw bad('default', 'ALREADY_EXISTS', 'Default shipping zone already exists.');
      const z = {
        __typename: 'ShippingZone', pk: nextPk(ctx.state, 'ShippingZone'), name: input.name ?? '', description: input.description ?? '',
        default: !!input.default, countries: [...new Set(input.countries ?? [])], warehousePks: warehouses.map((w) => w.pk),
        channelPks: channels.map((c) => c.pk), metadata: {}, privateMetadata: {},
      };
      ctx.state.shippingZones.set(z.pk, z);
      return { shippingZone: z, errors: [] };
    }),
    shippingPriceCreate: mutation(({ input }, ctx) => {
      requireAny(ctx.requestor, ['MANAGE_SHIPPING']);
      if (!input.shippingZone) throw bad('shippingZone', 'REQUIRED', 'This field is required.');
      const zone = getNode(ctx.state.shippingZones, input.shippingZone, 'ShippingZone', 'shippingZone');
      if (!input.name) throw bad('name', 'REQUIRED', 'This field cannot be blank.');
      const min = input.minimumDeliveryDays; const max = input.maximumDeliveryDays;
      if (min != null && max != null && min > max) throw bad('minimumDeliveryDays', 'INVALID', 'Minimum delivery days should be lower than maximum delivery days.');
      const m = {
        __typename: 'ShippingMethodType', pk: nextPk(ctx.state, 'ShippingMethodType'), zonePk: zone.pk, name: input.name,
        type: input.type ?? 'PRICE', minimumDeliveryDays: min ?? null, maximumDeliveryDays: max ?? null,
        channelListings: new Map(), metadata: {}, privateMetadata: {},
      };
      ctx.state.shippingMethods.set(m.pk, m);
      return { shippingZone: zone, shippingMethod: m, errors: [] };
    }),
    shippingMethodChannelListingUpdate: mutation(({ id, input }, ctx) => {
      requireAny(ctx.requestor, ['MANAGE_SHIPPING']);
      const m = getNode(ctx.state.shippingMethods, id, 'ShippingMethodType');
      const add = input.addChannels ?? [];
      const channels = resolveIds(ctx.state.channels, add.map((a) => a.channelId), 'Channel', 'addChannels', 'channels');
      const remove = resolveIds(ctx.state.channels, input.removeChannels, 'Channel', 'removeChannels', 'channels');
      add.forEach((a, i) => {
        const c = channels[i];
        const existing = m.channelListings.get(c.pk);
        if (a.price == null && !existing) throw bad('price', 'REQUIRED', 'This field is required.', { channels: [a.channelId] });
        const priceMinor = a.price != null ? toMinor(a.price, c.currencyCode) : existing.priceMinor;
        if (priceMinor === null) throw bad('price', 'INVALID', `Value cannot have more than ${c.currencyCode === 'JPY' ? 0 : 2} decimal places.`, { channels: [a.channelId] });
        m.channelListings.set(c.pk, { pk: existing?.pk ?? nextPk(ctx.state, 'ShippingMethodChannelListing'), priceMinor });
      });
      for (const c of remove) m.channelListings.delete(c.pk);
      return { shippingMethod: m, errors: [] };
    }),
  },
};

export { validateMetaInput };
