// Product types, categories, products, variants, media, channel listings, search and filters.
import { GraphQLError } from 'graphql';
import { hasAny, requireAny } from '../auth.mjs';
import { fromGlobalId } from '../ids.mjs';
import { toMinor } from '../money.mjs';
import { findBy, nextPk, nowIso } from '../store.mjs';
import { bad, channelFor, connection, getNode, inChannel, lookupNode, mergeMeta, money, mutation, taxed, validateMetaInput } from './helpers.mjs';
import { channelWarehouses, resolveIds, stockKey, uniqueSlug, upsertStock, variantStocks } from './inventory.mjs';

const SEE_UNPUBLISHED = ['MANAGE_ORDERS', 'MANAGE_DISCOUNTS', 'MANAGE_PRODUCTS'];
const canSeeUnpublished = (ctx) => hasAny(ctx.requestor, SEE_UNPUBLISHED);
const slugOf = (state, slug) => findBy(state.channels, (c) => c.slug === slug);
const past = (iso) => iso != null && new Date(iso).getTime() <= Date.now();

export const productListing = (product, channel) => (channel ? product.channelListings.get(channel.pk) ?? null : null);
export const variantListing = (variant, channel) => (channel ? variant.channelListings.get(channel.pk) ?? null : null);
export const isPublishedIn = (product, channel) => { const l = productListing(product, channel); return !!l && l.isPublished && (l.publishedAt == null || past(l.publishedAt)); };
export const isAvailableForPurchaseIn = (product, channel) => { const l = productListing(product, channel); return !!l && past(l.availableForPurchaseAt); };

export function productVisible(ctx, product, channel, { listing = false } = {}) {
  if (canSeeUnpublished(ctx)) return true;
  if (!isPublishedIn(product, channel)) return false;
  return !listing || productListing(product, channel).visibleInListings;
}

export function variantVisible(ctx, variant, channel) {
  if (canSeeUnpublished(ctx)) return true;
  const product = ctx.state.products.get(variant.productPk);
  const l = variantListing(variant, channel);
  return !!product && productVisible(ctx, product, channel) && !!l && l.priceMinor != null;
}

export const productVariants = (state, product) => [...state.variants.values()].filter((v) => v.productPk === product.pk);

/** Saleor's quantityAvailable: untracked variants report the shop's per-checkout limit. */
export function quantityAvailable(state, variant, channel) {
  if (!variant.trackInventory) return state.shop.limitQuantityPerCheckout;
  if (!channel) return 0;
  let total = 0;
  for (const w of channelWarehouses(state, channel)) {
    const s = state.stocks.get(stockKey(variant.pk, w.pk));
    if (s) total += Math.max(0, s.quantity - s.quantityAllocated);
  }
  return total;
}

const plainText = (description) => {
  if (!description || typeof description !== 'object') return '';
  return (description.blocks ?? []).map((b) => [b.data?.text, ...(b.data?.items ?? [])].filter(Boolean).join(' ')).join(' ').replace(/<[^>]+>/g, ' ');
};

function searchMatches(state, product, query) {
  const hay = [product.name, product.slug, plainText(product.description), ...productVariants(state, product).flatMap((v) => [v.sku ?? '', v.name])].join(' ').toLowerCase();
  return query.toLowerCase().split(/\s+/).filter(Boolean).every((term) => hay.includes(term));
}

const pkSet = (ids, type) => new Set((ids ?? []).map((i) => { const g = fromGlobalId(i); return g && g.type === type ? g.pk : `?${i}`; }));
const strMatch = (f, v) => (!f ? true : (f.eq != null ? v === f.eq : true) && (f.oneOf ? f.oneOf.includes(v) : true));
const idMatch = (f, pk, type) => (!f ? true : (f.eq != null ? fromGlobalId(f.eq)?.pk === pk && fromGlobalId(f.eq)?.type === type : true) && (f.oneOf ? pkSet(f.oneOf, type).has(pk) : true));
const metaMatch = (list, md) => (list ?? []).every(({ key, value }) => (key in (md ?? {})) && (value == null || md[key] === value));

function inStock(state, product, channel) {
  return productVariants(state, product).some((v) => quantityAvailable(state, v, channel) > 0);
}

function matchesWhere(state, p, w, channel) {
  if (!w) return true;
  if (w.ids && !pkSet(w.ids, 'Product').has(p.pk)) return false;
  if (!strMatch(w.name, p.name) || !strMatch(w.slug, p.slug)) return false;
  if (!idMatch(w.productType, p.productTypePk, 'ProductType') || !idMatch(w.category, p.categoryPk, 'Category')) return false;
  if (w.metadata && !metaMatch(w.metadata, p.metadata)) return false;
  const l = productListing(p, channel);
  if (w.isPublished != null && (!!l && l.isPublished) !== w.isPublished) return false;
  if (w.isVisibleInListing != null && (!!l && l.visibleInListings) !== w.isVisibleInListing) return false;
  // Saleor's isAvailable filter only checks availableForPurchaseAt <= now in the channel (saleor.md §6.1).
  if (w.isAvailable != null && isAvailableForPurchaseIn(p, channel) !== w.isAvailable) return false;
  if (w.stockAvailability && (inStock(state, p, channel) ? 'IN_STOCK' : 'OUT_OF_STOCK') !== w.stockAvailability) return false;
  if (w.giftCard != null && (state.productTypes.get(p.productTypePk)?.kind === 'GIFT_CARD') !== w.giftCard) return false;
  if (w.AND && !w.AND.every((x) => matchesWhere(state, p, x, channel))) return false;
  if (w.OR && !w.OR.some((x) => matchesWhere(state, p, x, channel))) return false;
  return true;
}

function matchesFilter(state, p, f, channel) {
  if (!f) return true;
  if (f.ids && !pkSet(f.ids, 'Product').has(p.pk)) return false;
  if (f.slugs && !f.slugs.includes(p.slug)) return false;
  if (f.categories && !pkSet(f.categories, 'Category').has(p.categoryPk)) return false;
  if (f.productTypes && !pkSet(f.productTypes, 'ProductType').has(p.productTypePk)) return false;
  if (f.metadata && !metaMatch(f.metadata, p.metadata)) return false;
  if (f.search && !searchMatches(state, p, f.search)) return false;
  const l = productListing(p, channel);
  if (f.isPublished != null && (!!l && l.isPublished) !== f.isPublished) return false;
  if (f.isVisibleInListing != null && (!!l && l.visibleInListings) !== f.isVisibleInListing) return false;
  if (f.isAvailable != null && isAvailableForPurchaseIn(p, channel) !== f.isAvailable) return false;
  if (f.stockAvailability && (inStock(state, p, channel) ? 'IN_STOCK' : 'OUT_OF_STOCK') !== f.stockAvailability) return false;
  return true;
}

function minPrice(state, p, channel) {
  const prices = productVariants(state, p).map((v) => variantListing(v, channel)?.priceMinor).filter((x) => x != null);
  return prices.length ? Math.min(...prices) : Infinity;
}

function sortProducts(state, items, sortBy, channel, searching) {
  const dir = sortBy?.direction === 'DESC' ? -1 : 1;
  const field = sortBy?.field ?? (searching ? 'RANK' : null);
  const key = {
    NAME: (p) => p.name.toLowerCase(), PRICE: (p) => minPrice(state, p, channel), MINIMAL_PRICE: (p) => minPrice(state, p, channel),
    CREATED_AT: (p) => p.created, DATE: (p) => p.updatedAt, LAST_MODIFIED: (p) => p.updatedAt, LAST_MODIFIED_AT: (p) => p.updatedAt,
    TYPE: (p) => state.productTypes.get(p.productTypePk)?.name ?? '',
  }[field];
  const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  return items.sort((a, b) => (key ? cmp(key(a), key(b)) * dir : 0) || cmp(a.slug, b.slug));
}

function resolveProductFields(input, ctx, product) {
  const { state } = ctx;
  validateMetaInput(input.metadata, 'metadata');
  validateMetaInput(input.privateMetadata, 'privateMetadata');
  if (input.category !== undefined) product.categoryPk = input.category ? getNode(state.categories, input.category, 'Category', 'category').pk : null;
  if (input.name != null) product.name = input.name;
  if (input.slug != null) {
    const other = findBy(state.products, (p) => p.slug === input.slug && p.pk !== product.pk);
    if (other) throw bad('slug', 'UNIQUE', 'Product with this Slug already exists.');
    product.slug = input.slug;
  }
  if (input.description !== undefined) product.description = input.description;
  if (input.externalReference !== undefined) {
    if (input.externalReference && findBy(state.products, (p) => p.externalReference === input.externalReference && p.pk !== product.pk)) {
      throw bad('externalReference', 'UNIQUE', 'Product with this External reference already exists.');
    }
    product.externalReference = input.externalReference;
  }
  if (input.attributes && input.attributes.length) throw bad('attributes', 'NOT_FOUND', 'Attributes are not modelled by the simulator; pass [].');
  mergeMeta(product.metadata, input.metadata);
  mergeMeta(product.privateMetadata, input.privateMetadata);
}

function resolveVariantFields(input, ctx, variant) {
  const { state } = ctx;
  validateMetaInput(input.metadata, 'metadata');
  validateMetaInput(input.privateMetadata, 'privateMetadata');
  if (input.sku !== undefined) {
    const sku = input.sku === '' ? null : input.sku;
    if (sku && findBy(state.variants, (v) => v.sku === sku && v.pk !== variant.pk)) throw bad('sku', 'UNIQUE', 'Product variant with this SKU already exists.');
    variant.sku = sku;
  }
  if (input.name != null) variant.name = input.name;
  if (input.trackInventory != null) variant.trackInventory = input.trackInventory;
  if (input.weight !== undefined) variant.weightGrams = input.weight; // grams (WeightScalar), null clears
  if (input.quantityLimitPerCustomer !== undefined) {
    if (input.quantityLimitPerCustomer != null && input.quantityLimitPerCustomer < 1) throw bad('quantityLimitPerCustomer', 'INVALID', 'Product variant can\'t have negative quantity limit.');
    variant.quantityLimitPerCustomer = input.quantityLimitPerCustomer;
  }
  if (input.externalReference !== undefined) {
    if (input.externalReference && findBy(state.variants, (v) => v.externalReference === input.externalReference && v.pk !== variant.pk)) {
      throw bad('externalReference', 'UNIQUE', 'Product variant with this External reference already exists.');
    }
    variant.externalReference = input.externalReference;
  }
  if (input.attributes && input.attributes.length) throw bad('attributes', 'NOT_FOUND', 'Attributes are not modelled by the simulator; pass [].');
  mergeMeta(variant.metadata, input.metadata);
  mergeMeta(variant.privateMetadata, input.privateMetadata);
}

function findVariant(ctx, { id, sku, externalReference }) {
  const { state } = ctx;
  if (id) return getNode(state.variants, id, 'ProductVariant');
  if (sku) { const v = findBy(state.variants, (x) => x.sku === sku); if (!v) throw bad('sku', 'NOT_FOUND', `Couldn't resolve to a node: ${sku}`); return v; }
  if (externalReference) { const v = findBy(state.variants, (x) => x.externalReference === externalReference); if (!v) throw bad('externalReference', 'NOT_FOUND', `Couldn't resolve to a node: ${externalReference}`); return v; }
  throw bad('id', 'GRAPHQL_ERROR', 'At least one of arguments is required: id, sku, external_reference.');
}

function listing(ctx, fields) {
  return { __typename: 'ProductChannelListing', ...fields };
}

export const catalogResolvers = {
  Query: {
    productType: (_r, { id }, ctx) => lookupNode(ctx.state.productTypes, id, 'ProductType'),
    productTypes: (_r, args, ctx) => {
      let items = [...ctx.state.productTypes.values()];
      const f = args.filter ?? {};
      if (f.search) items = items.filter((t) => t.name.toLowerCase().includes(f.search.toLowerCase()) || t.slug.includes(f.search.toLowerCase()));
      if (f.slugs) items = items.filter((t) => f.slugs.includes(t.slug));
      if (f.ids) { const s = pkSet(f.ids, 'ProductType'); items = items.filter((t) => s.has(t.pk)); }
      if (f.kind) items = items.filter((t) => t.kind === f.kind);
      return connection(items.sort((a, b) => a.name.localeCompare(b.name)), args, 'productTypes');
    },
    category: (_r, { id, slug }, ctx) => {
      if (id) return lookupNode(ctx.state.categories, id, 'Category');
      if (slug) return findBy(ctx.state.categories, (c) => c.slug === slug);
      return null;
    },
    categories: (_r, args, ctx) => {
      let items = [...ctx.state.categories.values()];
      const f = args.filter ?? {};
      if (f.search) items = items.filter((c) => c.name.toLowerCase().includes(f.search.toLowerCase()) || c.slug.includes(f.search.toLowerCase()));
      if (f.slugs) items = items.filter((c) => f.slugs.includes(c.slug));
      if (f.ids) { const s = pkSet(f.ids, 'Category'); items = items.filter((c) => s.has(c.pk)); }
      return connection(items, args, 'categories');
    },
    product: (_r, args, ctx) => {
      const { id, slug, externalReference } = args;
      const set = [id, slug, externalReference].filter((x) => x != null);
      if (set.length !== 1) throw new GraphQLError('Argument \'id\', \'slug\' or \'externalReference\' must be provided.');
      const channel = channelFor(ctx, args.channel);
      let p = null;
      if (id) p = lookupNode(ctx.state.products, id, 'Product');
      else if (slug) p = findBy(ctx.state.products, (x) => x.slug === slug);
      else p = findBy(ctx.state.products, (x) => x.externalReference === externalReference);
      if (!p || !productVisible(ctx, p, channel)) return null;
      return inChannel(p, channel?.slug ?? null);
    },
    products: (_r, args, ctx) => {
      if (args.where && args.filter) throw new GraphQLError('Only one filtering argument (filter or where) can be specified.');
      const channel = channelFor(ctx, args.channel);
      let items = [...ctx.state.products.values()].filter((p) => productVisible(ctx, p, channel, { listing: true }));
      if (args.search) items = items.filter((p) => searchMatches(ctx.state, p, args.search));
      items = items.filter((p) => matchesWhere(ctx.state, p, args.where, channel) && matchesFilter(ctx.state, p, args.filter, channel));
      items = sortProducts(ctx.state, items, args.sortBy, channel, !!args.search);
      const conn = connection(items, args, 'products');
      for (const e of conn.edges) e.node = inChannel(e.node, channel?.slug ?? null);
      return conn;
    },
    productVariant: (_r, args, ctx) => {
      const { id, sku, externalReference } = args;
      const set = [id, sku, externalReference].filter((x) => x != null);
      if (set.length !== 1) throw new GraphQLError('Argument \'id\', \'sku\' or \'externalReference\' must be provided.');
      const channel = channelFor(ctx, args.channel);
      let v;
      if (id) v = lookupNode(ctx.state.variants, id, 'ProductVariant');
      else if (sku) v = findBy(ctx.state.variants, (x) => x.sku === sku);
      else v = findBy(ctx.state.variants, (x) => x.externalReference === externalReference);
      if (!v || !variantVisible(ctx, v, channel)) return null;
      return inChannel(v, channel?.slug ?? null);
    },
    productVariants: (_r, args, ctx) => {
      const channel = channelFor(ctx, args.channel);
      let items = [...ctx.state.variants.values()].filter((v) => variantVisible(ctx, v, channel));
      if (args.ids) { const s = pkSet(args.ids, 'ProductVariant'); items = items.filter((v) => s.has(v.pk)); }
      const w = args.where;
      const matches = (v, x) => (!x ? true
        : (!x.ids || pkSet(x.ids, 'ProductVariant').has(v.pk)) && strMatch(x.sku, v.sku) && (!x.metadata || metaMatch(x.metadata, v.metadata))
          && (!x.AND || x.AND.every((y) => matches(v, y))) && (!x.OR || x.OR.some((y) => matches(v, y))));
      items = items.filter((v) => matches(v, w));
      const conn = connection(items, args, 'productVariants');
      for (const e of conn.edges) e.node = inChannel(e.node, channel?.slug ?? null);
      return conn;
    },
  },
  ProductType: {},
  Category: {
    parent: (c, _a, ctx) => (c.parentPk ? ctx.state.categories.get(c.parentPk) : null),
  },
  Product: {
    productType: (p, _a, ctx) => ctx.state.productTypes.get(p.productTypePk),
    category: (p, _a, ctx) => (p.categoryPk ? ctx.state.categories.get(p.categoryPk) : null),
    channel: (p) => p.channelSlug ?? null,
    externalReference: (p) => p.externalReference ?? null,
    defaultVariant: (p, _a, ctx) => {
      const v = productVariants(ctx.state, p)[0];
      return v ? inChannel(v, p.channelSlug) : null;
    },
    variants: (p, _a, ctx) => {
      const channel = p.channelSlug ? slugOf(ctx.state, p.channelSlug) : null;
      return productVariants(ctx.state, p).filter((v) => variantVisible(ctx, v, channel)).map((v) => inChannel(v, p.channelSlug));
    },
    productVariants: (p, args, ctx) => {
      const channel = p.channelSlug ? slugOf(ctx.state, p.channelSlug) : null;
      const conn = connection(productVariants(ctx.state, p).filter((v) => variantVisible(ctx, v, channel)), args, 'productVariants');
      for (const e of conn.edges) e.node = inChannel(e.node, p.channelSlug);
      return conn;
    },
    thumbnail: (p, _a, ctx) => {
      const m = p.mediaPks.map((pk) => ctx.state.media.get(pk)).filter(Boolean)[0];
      return m ? { url: m.url, alt: m.alt } : null;
    },
    media: (p, _a, ctx) => p.mediaPks.map((pk) => ctx.state.media.get(pk)).filter(Boolean),
    pricing: (p, _a, ctx) => {
      const channel = p.channelSlug ? slugOf(ctx.state, p.channelSlug) : null;
      if (!channel || !productListing(p, channel)) return null;
      const prices = productVariants(ctx.state, p).map((v) => variantListing(v, channel)?.priceMinor).filter((x) => x != null);
      const range = prices.length ? { start: taxed(Math.min(...prices), channel.currencyCode), stop: taxed(Math.max(...prices), channel.currencyCode) } : null;
      return { onSale: false, displayGrossPrices: true, priceRange: range, priceRangeUndiscounted: range };
    },
    isAvailable: (p, _a, ctx) => {
      const channel = p.channelSlug ? slugOf(ctx.state, p.channelSlug) : null;
      if (!channel || !isAvailableForPurchaseIn(p, channel)) return false;
      // Looks at stock rows in the channel's warehouses, even for untracked variants (saleor.md §6.1).
      const whs = channel.warehousePks;
      return productVariants(ctx.state, p).some((v) => variantStocks(ctx.state, v).some((s) => whs.includes(s.warehousePk) && s.quantity - s.quantityAllocated > 0));
    },
    isAvailableForPurchase: (p, _a, ctx) => {
      const channel = p.channelSlug ? slugOf(ctx.state, p.channelSlug) : null;
      return channel ? isAvailableForPurchaseIn(p, channel) : null;
    },
    availableForPurchaseAt: (p, _a, ctx) => {
      const channel = p.channelSlug ? slugOf(ctx.state, p.channelSlug) : null;
      return productListing(p, channel)?.availableForPurchaseAt ?? null;
    },
    channelListings: (p, _a, ctx) => {
      requireAny(ctx.requestor, ['MANAGE_PRODUCTS']);
      return [...p.channelListings.entries()].map(([channelPk, l]) => listing(ctx, { ...l, channelPk }));
    },
  },
  ProductChannelListing: {
    channel: (l, _a, ctx) => ctx.state.channels.get(l.channelPk),
    isAvailableForPurchase: (l) => past(l.availableForPurchaseAt),
  },
  ProductMedia: {
    url: (m) => m.url,
    productId: (m) => Buffer.from(`Product:${m.productPk}`).toString('base64'),
  },
  ProductVariant: {
    product: (v, _a, ctx) => inChannel(ctx.state.products.get(v.productPk), v.channelSlug ?? null),
    channel: (v) => v.channelSlug ?? null,
    externalReference: (v) => v.externalReference ?? null,
    // Saleor answers in the shop's default weight unit (kg by default).
    weight: (v) => (v.weightGrams == null ? null : { unit: 'KG', value: v.weightGrams / 1000 }),
    channelListings: (v, _a, ctx) => {
      requireAny(ctx.requestor, ['AUTHENTICATED_APP', 'AUTHENTICATED_STAFF_USER']);
      return [...v.channelListings.entries()].map(([channelPk, l]) => ({ __typename: 'ProductVariantChannelListing', pk: l.pk, channelPk, priceMinor: l.priceMinor, costPriceMinor: l.costPriceMinor }));
    },
    pricing: (v, _a, ctx) => {
      const channel = v.channelSlug ? slugOf(ctx.state, v.channelSlug) : null;
      const l = variantListing(v, channel);
      if (!l || l.priceMinor == null) return null;
      const price = taxed(l.priceMinor, channel.currencyCode);
      return { onSale: false, price, priceUndiscounted: price };
    },
    media: () => [],
    stocks: (v, _a, ctx) => { requireAny(ctx.requestor, ['MANAGE_PRODUCTS', 'MANAGE_ORDERS']); return variantStocks(ctx.state, v); },
    quantityAvailable: (v, _a, ctx) => {
      const channel = v.channelSlug ? slugOf(ctx.state, v.channelSlug) : channelFor(ctx, null);
      return quantityAvailable(ctx.state, v, channel);
    },
  },
  ProductVariantChannelListing: {
    channel: (l, _a, ctx) => ctx.state.channels.get(l.channelPk),
    price: (l, _a, ctx) => (l.priceMinor == null ? null : money(l.priceMinor, ctx.state.channels.get(l.channelPk).currencyCode)),
    costPrice: (l, _a, ctx) => (l.costPriceMinor == null ? null : money(l.costPriceMinor, ctx.state.channels.get(l.channelPk).currencyCode)),
  },
  Mutation: {
    productTypeCreate: mutation(({ input }, ctx) => {
      requireAny(ctx.requestor, ['MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES']);
      if (!input.name || !input.name.trim()) throw bad('name', 'REQUIRED', 'This field cannot be blank.');
      let slug = input.slug;
      if (slug && findBy(ctx.state.productTypes, (t) => t.slug === slug)) throw bad('slug', 'UNIQUE', 'Product type with this Slug already exists.');
      if (!slug) slug = uniqueSlug(ctx.state.productTypes, input.name);
      const t = {
        __typename: 'ProductType', pk: nextPk(ctx.state, 'ProductType'), name: input.name, slug, kind: input.kind ?? 'NORMAL',
        isShippingRequired: input.isShippingRequired ?? true, metadata: {}, privateMetadata: {},
      };
      ctx.state.productTypes.set(t.pk, t);
      return { productType: t, errors: [] };
    }),
    categoryCreate: mutation(({ input, parent }, ctx) => {
      requireAny(ctx.requestor, ['MANAGE_PRODUCTS']);
      if (!input.name || !input.name.trim()) throw bad('name', 'REQUIRED', 'This field cannot be blank.');
      const parentRec = parent ? getNode(ctx.state.categories, parent, 'Category', 'parent') : null;
      let slug = input.slug;
      if (slug && findBy(ctx.state.categories, (c) => c.slug === slug)) throw bad('slug', 'UNIQUE', 'Category with this Slug already exists.');
      if (!slug) slug = uniqueSlug(ctx.state.categories, input.name);
      validateMetaInput(input.metadata);
      const c = {
        __typename: 'Category', pk: nextPk(ctx.state, 'Category'), name: input.name, slug, description: input.description ?? null,
        parentPk: parentRec?.pk ?? null, level: parentRec ? parentRec.level + 1 : 0, metadata: {}, privateMetadata: {},
      };
      mergeMeta(c.metadata, input.metadata);
      mergeMeta(c.privateMetadata, input.privateMetadata);
      ctx.state.categories.set(c.pk, c);
      return { category: c, errors: [] };
    }),
    productCreate: mutation(({ input }, ctx) => {
      requireAny(ctx.requestor, ['MANAGE_PRODUCTS']);
      const type = getNode(ctx.state.productTypes, input.productType, 'ProductType', 'productType');
      if (!input.name || !input.name.trim()) throw bad('name', 'REQUIRED', 'This field cannot be blank.');
      const now = nowIso();
      const p = {
        __typename: 'Product', pk: nextPk(ctx.state, 'Product'), name: input.name, slug: null, description: null,
        productTypePk: type.pk, categoryPk: null, externalReference: null, created: now, updatedAt: now,
        metadata: {}, privateMetadata: {}, channelListings: new Map(), mediaPks: [],
      };
      resolveProductFields(input, ctx, p);
      if (!p.slug) p.slug = uniqueSlug(ctx.state.products, input.name);
      ctx.state.products.set(p.pk, p);
      return { product: p, errors: [] };
    }),
    productUpdate: mutation(({ id, externalReference, input }, ctx) => {
      requireAny(ctx.requestor, ['MANAGE_PRODUCTS']);
      let p;
      if (id) p = getNode(ctx.state.products, id, 'Product');
      else if (externalReference) { p = findBy(ctx.state.products, (x) => x.externalReference === externalReference); if (!p) throw bad('externalReference', 'NOT_FOUND', `Couldn't resolve to a node: ${externalReference}`); }
      else throw bad('id', 'GRAPHQL_ERROR', 'At least one of arguments is required: id, external_reference.');
      if (input.name !== undefined && (!input.name || !input.name.trim())) throw bad('name', 'REQUIRED', 'This field cannot be blank.');
      resolveProductFields(input, ctx, p);
      p.updatedAt = nowIso();
      return { product: p, errors: [] };
    }),
    productMediaCreate: mutation(({ input }, ctx) => {
      requireAny(ctx.requestor, ['MANAGE_PRODUCTS']);
      const p = getNode(ctx.state.products, input.product, 'Product', 'product');
      if (!input.mediaUrl && !input.image) throw bad('input', 'REQUIRED', 'Image or external URL is required.');
      if (input.image) throw bad('image', 'INVALID', 'File uploads are not simulated; use mediaUrl.');
      try { new URL(input.mediaUrl); } catch { throw bad('mediaUrl', 'INVALID', 'Enter a valid URL.'); }
      const m = { __typename: 'ProductMedia', pk: nextPk(ctx.state, 'ProductMedia'), productPk: p.pk, alt: input.alt ?? '', url: input.mediaUrl, type: 'IMAGE', sortOrder: p.mediaPks.length, metadata: {}, privateMetadata: {} };
      ctx.state.media.set(m.pk, m);
      p.mediaPks.push(m.pk);
      return { product: p, media: m, errors: [] };
    }),
    productChannelListingUpdate: mutation(({ id, input }, ctx) => {
      requireAny(ctx.requestor, ['MANAGE_PRODUCTS']);
      const p = getNode(ctx.state.products, id, 'Product');
      const updates = input.updateChannels ?? [];
      const channels = resolveIds(ctx.state.channels, updates.map((u) => u.channelId), 'Channel', 'channelId', 'channels');
      const removed = resolveIds(ctx.state.channels, input.removeChannels, 'Channel', 'removeChannels', 'channels');
      const dup = channels.filter((c) => removed.includes(c));
      if (dup.length || new Set(channels).size !== channels.length) {
        throw bad('updateChannels', 'DUPLICATED_INPUT_ITEM', 'The same object cannot be in both lists for adding and removing items.', { channels: dup.map((c) => Buffer.from(`Channel:${c.pk}`).toString('base64')) });
      }
      const variants = productVariants(ctx.state, p);
      updates.forEach((u, i) => {
        const c = channels[i];
        const prev = p.channelListings.get(c.pk);
        const l = prev ?? { pk: nextPk(ctx.state, 'ProductChannelListing'), isPublished: false, publishedAt: null, visibleInListings: false, availableForPurchaseAt: null };
        if (u.isPublished != null) { l.isPublished = u.isPublished; if (u.isPublished && !l.publishedAt) l.publishedAt = nowIso(); }
        if (u.publishedAt !== undefined) l.publishedAt = u.publishedAt;
        if (u.visibleInListings != null) l.visibleInListings = u.visibleInListings;
        if (u.availableForPurchaseAt !== undefined && u.availableForPurchaseAt !== null) l.availableForPurchaseAt = u.availableForPurchaseAt;
        else if (u.isAvailableForPurchase === true && !l.availableForPurchaseAt) l.availableForPurchaseAt = nowIso();
        else if (u.isAvailableForPurchase === false) l.availableForPurchaseAt = null;
        p.channelListings.set(c.pk, l);
        for (const v of resolveIds(ctx.state.variants, u.addVariants, 'ProductVariant', 'addVariants', 'variants')) {
          if (v.productPk !== p.pk) throw bad('addVariants', 'NOT_PRODUCTS_VARIANT', 'Variant does not belong to this product.');
          if (!v.channelListings.has(c.pk)) v.channelListings.set(c.pk, { pk: nextPk(ctx.state, 'ProductVariantChannelListing'), priceMinor: null, costPriceMinor: null });
        }
        for (const v of resolveIds(ctx.state.variants, u.removeVariants, 'ProductVariant', 'removeVariants', 'variants')) v.channelListings.delete(c.pk);
      });
      for (const c of removed) {
        p.channelListings.delete(c.pk);
        for (const v of variants) v.channelListings.delete(c.pk);
      }
      p.updatedAt = nowIso();
      return { product: p, errors: [] };
    }),
    productVariantCreate: mutation(({ input }, ctx) => {
      requireAny(ctx.requestor, ['MANAGE_PRODUCTS']);
      const p = getNode(ctx.state.products, input.product, 'Product', 'product');
      const now = nowIso();
      const v = {
        __typename: 'ProductVariant', pk: null, productPk: p.pk, sku: null, name: '', trackInventory: true, quantityLimitPerCustomer: null,
        externalReference: null, created: now, updatedAt: now, metadata: {}, privateMetadata: {}, channelListings: new Map(),
      };
      resolveVariantFields(input, ctx, v);
      const stocks = (input.stocks ?? []).map((s) => ({ w: getNode(ctx.state.warehouses, s.warehouse, 'Warehouse', 'warehouse'), quantity: s.quantity }));
      v.pk = nextPk(ctx.state, 'ProductVariant');
      ctx.state.variants.set(v.pk, v);
      for (const { w, quantity } of stocks) upsertStock(ctx.state, v, w, quantity);
      return { productVariant: v, errors: [] };
    }),
    productVariantUpdate: mutation((args, ctx) => {
      requireAny(ctx.requestor, ['MANAGE_PRODUCTS']);
      const v = findVariant(ctx, args);
      resolveVariantFields(args.input, ctx, v);
      v.updatedAt = nowIso();
      return { productVariant: v, errors: [] };
    }),
    productVariantChannelListingUpdate: mutation((args, ctx) => {
      requireAny(ctx.requestor, ['MANAGE_PRODUCTS']);
      const v = findVariant(ctx, args);
      const p = ctx.state.products.get(v.productPk);
      const channels = resolveIds(ctx.state.channels, args.input.map((i) => i.channelId), 'Channel', 'channelId', 'channels');
      if (new Set(channels).size !== channels.length) throw bad('channelId', 'DUPLICATED_INPUT_ITEM', 'Variant channel listings are duplicated.');
      const notAssigned = channels.filter((c) => !p.channelListings.has(c.pk));
      if (notAssigned.length) {
        throw bad('channelId', 'PRODUCT_NOT_ASSIGNED_TO_CHANNEL', 'Product not available in channels.', { channels: notAssigned.map((c) => Buffer.from(`Channel:${c.pk}`).toString('base64')) });
      }
      args.input.forEach((i, idx) => {
        const c = channels[idx];
        const priceMinor = toMinor(i.price, c.currencyCode);
        if (priceMinor === null) throw bad('price', 'INVALID', 'Value cannot have more than 2 decimal places.', { channels: [i.channelId] });
        const costPriceMinor = i.costPrice != null ? toMinor(i.costPrice, c.currencyCode) : null;
        const prev = v.channelListings.get(c.pk);
        v.channelListings.set(c.pk, { pk: prev?.pk ?? nextPk(ctx.state, 'ProductVariantChannelListing'), priceMinor, costPriceMinor });
      });
      v.updatedAt = nowIso();
      return { variant: v, errors: [] };
    }),
  },
};
