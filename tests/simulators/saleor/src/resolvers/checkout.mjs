// Checkout: create, lines, email, addresses, delivery, totals (tax-free), problems, complete.
import { hasAny, requireAny } from '../auth.mjs';
import { fromGlobalId, toGlobalId, uuid } from '../ids.mjs';
import { findBy, nowIso } from '../store.mjs';
import { cleanAddress } from './address.mjs';
import { bad, getNode, mergeMeta, money, mutation, taxed, validateMetaInput } from './helpers.mjs';
import { inChannel } from './helpers.mjs';
import { isAvailableForPurchaseIn, isPublishedIn, quantityAvailable, variantListing } from './catalog.mjs';
import { shippingMethodsFor } from './inventory.mjs';
import { createOrderFromCheckout, paymentTotals } from './orders.mjs';

const EMAIL_RE = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export const checkoutChannel = (state, co) => state.channels.get(co.channelPk);
export const lineVariant = (state, line) => state.variants.get(line.variantPk);
const productOf = (state, v) => state.products.get(v.productPk);

export function isShippingRequired(state, co) {
  return co.lines.some((l) => { const v = lineVariant(state, l); return v && state.productTypes.get(productOf(state, v).productTypePk).isShippingRequired; });
}

export function checkoutTotals(state, co) {
  const channel = checkoutChannel(state, co);
  let subtotal = 0;
  for (const l of co.lines) subtotal += (variantListing(lineVariant(state, l), channel)?.priceMinor ?? 0) * l.quantity;
  let shipping = 0;
  if (co.shippingMethodPk && isShippingRequired(state, co)) {
    shipping = state.shippingMethods.get(co.shippingMethodPk)?.channelListings.get(channel.pk)?.priceMinor ?? 0;
  }
  return { currency: channel.currencyCode, subtotal, shipping, total: subtotal + shipping };
}

function availableMethods(state, co) {
  if (!isShippingRequired(state, co) || !co.shippingAddress) return [];
  return shippingMethodsFor(state, checkoutChannel(state, co), co.shippingAddress.country);
}

const shippingMethodView = (state, channel, { method, listing }) => ({
  __typename: 'ShippingMethod', globalId: toGlobalId('ShippingMethod', method.pk), pk: method.pk, name: method.name,
  price: money(listing.priceMinor, channel.currencyCode), active: true, message: '',
  maximumDeliveryDays: method.maximumDeliveryDays, minimumDeliveryDays: method.minimumDeliveryDays, metadata: method.metadata, privateMetadata: method.privateMetadata,
});

/** Loads a checkout by global id; after completion the id resolves to nothing (the order remains). */
export function getCheckout(state, id, field = 'id') {
  const g = fromGlobalId(id);
  if (!g) throw bad(field, 'GRAPHQL_ERROR', `Couldn't resolve id: ${id}.`);
  if (g.type !== 'Checkout') throw bad(field, 'GRAPHQL_ERROR', `Couldn't resolve id: ${id}.`);
  const co = state.checkouts.get(g.pk);
  if (!co) throw bad(field, 'NOT_FOUND', `Couldn't resolve to a node: ${id}`);
  return co;
}

/** Validates lines to add the way Saleor's checkout mutations do; `existing` = quantities already in the checkout. */
function cleanLines(state, channel, lines, { existing = new Map(), allowZero = false } = {}) {
  const out = [];
  for (const input of lines) {
    const g = fromGlobalId(input.variantId);
    const v = g && g.type === 'ProductVariant' ? state.variants.get(g.pk) : null;
    if (!v) throw bad('variantId', 'NOT_FOUND', `Couldn't resolve to a node: ${input.variantId}`, { variants: [input.variantId] });
    if (input.quantity < 0 || (!allowZero && input.quantity === 0)) throw bad('quantity', 'ZERO_QUANTITY', 'The quantity should be higher than zero.', { variants: [input.variantId] });
    out.push({ v, input });
  }
  for (const { v, input } of out) {
    const id = toGlobalId('ProductVariant', v.pk);
    const product = productOf(state, v);
    if (!isPublishedIn(product, channel)) throw bad('lines', 'PRODUCT_NOT_PUBLISHED', 'Cannot add lines for unpublished variants.', { variants: [id] });
    if (!isAvailableForPurchaseIn(product, channel)) throw bad('lines', 'PRODUCT_UNAVAILABLE_FOR_PURCHASE', 'Cannot add lines for unavailable for purchase variants.', { variants: [id] });
    if (variantListing(v, channel)?.priceMinor == null) throw bad('lines', 'UNAVAILABLE_VARIANT_IN_CHANNEL', 'Cannot add lines with unavailable variants.', { variants: [id] });
    const total = input.quantity + (input.forceNewLine ? 0 : existing.get(v.pk) ?? 0);
    const limit = v.quantityLimitPerCustomer ?? state.shop.limitQuantityPerCheckout;
    if (total > limit) throw bad('quantity', 'QUANTITY_GREATER_THAN_LIMIT', `Cannot add more than ${limit} times this item: ${v.sku ?? id}.`, { variants: [id] });
    if (v.trackInventory && total > 0) {
      const available = quantityAvailable(state, v, channel);
      if (total > available) throw bad('quantity', 'INSUFFICIENT_STOCK', `Could not add items ${v.sku ?? id}. Only ${Math.max(available, 0)} remaining in stock.`, { variants: [id] });
    }
  }
  return out;
}

const newLine = (v, input) => ({ __typename: 'CheckoutLine', pk: uuid(), variantPk: v.pk, quantity: input.quantity, metadata: Object.fromEntries((input.metadata ?? []).map((m) => [m.key, m.value])), privateMetadata: {} });

function touch(co) { co.updatedAt = nowIso(); }

/** A delivery method that no longer fits (address changed, lines now digital) is dropped, as Saleor does. */
function dropStaleDelivery(state, co) {
  if (!co.shippingMethodPk) return;
  if (!availableMethods(state, co).some((x) => x.method.pk === co.shippingMethodPk)) co.shippingMethodPk = null;
}

export const checkoutResolvers = {
  Query: {
    checkout: (_r, { id }, ctx) => {
      const g = fromGlobalId(id);
      if (!g || g.type !== 'Checkout') return null;
      const co = ctx.state.checkouts.get(g.pk) ?? null;
      if (co && !checkoutChannel(ctx.state, co).isActive) requireAny(ctx.requestor, ['MANAGE_CHECKOUTS', 'IMPERSONATE_USER', 'HANDLE_PAYMENTS']);
      return co;
    },
  },
  Checkout: {
    id: (co) => toGlobalId('Checkout', co.token),
    channel: (co, _a, ctx) => checkoutChannel(ctx.state, co),
    user: (co, _a, ctx) => (co.userPk ? ctx.state.users.get(co.userPk) : null),
    email: (co) => co.email ?? null,
    isShippingRequired: (co, _a, ctx) => isShippingRequired(ctx.state, co),
    quantity: (co) => co.lines.reduce((s, l) => s + l.quantity, 0),
    lines: (co) => co.lines.map((l) => Object.assign(Object.create(l), { checkoutToken: co.token })),
    subtotalPrice: (co, _a, ctx) => { const t = checkoutTotals(ctx.state, co); return taxed(t.subtotal, t.currency); },
    shippingPrice: (co, _a, ctx) => { const t = checkoutTotals(ctx.state, co); return taxed(t.shipping, t.currency); },
    totalPrice: (co, _a, ctx) => { const t = checkoutTotals(ctx.state, co); return taxed(t.total, t.currency); },
    totalBalance: (co, _a, ctx) => {
      const t = checkoutTotals(ctx.state, co);
      return money(paymentTotals(ctx.state, co.transactionTokens).charged - t.total, t.currency);
    },
    shippingMethods: (co, _a, ctx) => availableMethods(ctx.state, co).map((x) => shippingMethodView(ctx.state, checkoutChannel(ctx.state, co), x)),
    availableShippingMethods: (co, _a, ctx) => availableMethods(ctx.state, co).map((x) => shippingMethodView(ctx.state, checkoutChannel(ctx.state, co), x)),
    shippingMethod: (co, _a, ctx) => checkoutResolvers.Checkout.deliveryMethod(co, _a, ctx),
    deliveryMethod: (co, _a, ctx) => {
      if (!co.shippingMethodPk) return null;
      const m = availableMethods(ctx.state, co).find((x) => x.method.pk === co.shippingMethodPk);
      return m ? shippingMethodView(ctx.state, checkoutChannel(ctx.state, co), m) : null;
    },
    delivery: (co, _a, ctx) => {
      const sm = checkoutResolvers.Checkout.deliveryMethod(co, _a, ctx);
      return sm ? { id: toGlobalId('CheckoutDelivery', `${co.token}:${co.shippingMethodPk}`), shippingMethod: sm } : null;
    },
    transactions: (co, _a, ctx) => {
      requireAny(ctx.requestor, ['MANAGE_CHECKOUTS', 'HANDLE_PAYMENTS']);
      return co.transactionTokens.map((t) => ctx.state.transactions.get(t));
    },
    authorizeStatus: (co, _a, ctx) => {
      const t = checkoutTotals(ctx.state, co); const p = paymentTotals(ctx.state, co.transactionTokens);
      const covered = p.authorized + p.charged;
      return covered >= t.total && (covered > 0 || t.total === 0) ? 'FULL' : covered > 0 ? 'PARTIAL' : 'NONE';
    },
    chargeStatus: (co, _a, ctx) => {
      const t = checkoutTotals(ctx.state, co); const { charged } = paymentTotals(ctx.state, co.transactionTokens);
      if (charged > t.total) return 'OVERCHARGED';
      if (charged === t.total && (charged > 0 || t.total === 0)) return 'FULL';
      return charged > 0 ? 'PARTIAL' : 'NONE';
    },
    problems: (co, _a, ctx) => co.lines.flatMap((l) => lineProblems(ctx.state, co, l)),
    displayGrossPrices: () => true,
  },
  CheckoutLine: {
    variant: (l, _a, ctx) => inChannel(lineVariant(ctx.state, l), checkoutChannel(ctx.state, ctx.state.checkouts.get(l.checkoutToken)).slug),
    unitPrice: (l, _a, ctx) => { const c = checkoutChannel(ctx.state, ctx.state.checkouts.get(l.checkoutToken)); return taxed(variantListing(lineVariant(ctx.state, l), c)?.priceMinor ?? 0, c.currencyCode); },
    undiscountedUnitPrice: (l, _a, ctx) => { const c = checkoutChannel(ctx.state, ctx.state.checkouts.get(l.checkoutToken)); return money(variantListing(lineVariant(ctx.state, l), c)?.priceMinor ?? 0, c.currencyCode); },
    totalPrice: (l, _a, ctx) => { const c = checkoutChannel(ctx.state, ctx.state.checkouts.get(l.checkoutToken)); return taxed((variantListing(lineVariant(ctx.state, l), c)?.priceMinor ?? 0) * l.quantity, c.currencyCode); },
    requiresShipping: (l, _a, ctx) => { const v = lineVariant(ctx.state, l); return ctx.state.productTypes.get(productOf(ctx.state, v).productTypePk).isShippingRequired; },
    problems: (l, _a, ctx) => lineProblems(ctx.state, ctx.state.checkouts.get(l.checkoutToken), l),
  },
  Mutation: {
    checkoutCreate: mutation(({ input }, ctx) => {
      const { state } = ctx;
      let channel;
      if (input.channel) {
        channel = findBy(state.channels, (c) => c.slug === input.channel);
        if (!channel) throw bad('channel', 'NOT_FOUND', `Channel with '${input.channel}' slug does not exist.`);
      } else if (state.channels.size === 1) channel = [...state.channels.values()][0];
      else throw bad('channel', 'MISSING_CHANNEL_SLUG', 'You need to provide channel slug.');
      if (!channel.isActive) throw bad('channel', 'CHANNEL_INACTIVE', `Channel with '${channel.slug}' is inactive.`);
      if (input.email != null && input.email !== '' && !EMAIL_RE.test(input.email)) throw bad('email', 'INVALID', 'Enter a valid email address.');
      validateMetaInput(input.metadata);
      const lines = [];
      const merged = new Map();
      for (const line of input.lines ?? []) {
        const key = line.variantId;
        if (merged.has(key) && !line.forceNewLine) merged.get(key).quantity += line.quantity; else merged.set(line.forceNewLine ? `${key}#${merged.size}` : key, { ...line });
      }
      for (const { v, input: li } of cleanLines(state, channel, [...merged.values()])) lines.push(newLine(v, li));
      const token = uuid();
      const co = {
        __typename: 'Checkout', token, pk: token, channelPk: channel.pk, email: input.email || null, lines,
        billingAddress: null, shippingAddress: null, shippingMethodPk: null, transactionTokens: [],
        metadata: {}, privateMetadata: {}, created: nowIso(), updatedAt: nowIso(), userPk: ctx.requestor.kind === 'user' ? ctx.requestor.user.pk : null,
      };
      if (input.privateMetadata) requireAny(ctx.requestor, ['MANAGE_CHECKOUTS', 'HANDLE_CHECKOUTS']);
      mergeMeta(co.metadata, input.metadata);
      mergeMeta(co.privateMetadata, input.privateMetadata);
      if (input.billingAddress) co.billingAddress = cleanAddress(state, input.billingAddress, 'billingAddress', { addressType: 'BILLING' });
      if (input.shippingAddress && isShippingRequired(state, co)) co.shippingAddress = cleanAddress(state, input.shippingAddress, 'shippingAddress', { addressType: 'SHIPPING' });
      state.checkouts.set(token, co);
      return { checkout: co, errors: [] };
    }),
    checkoutLinesAdd: mutation(({ id, lines }, ctx) => {
      const co = getCheckout(ctx.state, id);
      const channel = checkoutChannel(ctx.state, co);
      const existing = new Map();
      for (const l of co.lines) existing.set(l.variantPk, (existing.get(l.variantPk) ?? 0) + l.quantity);
      const cleaned = cleanLines(ctx.state, channel, lines, { existing });
      for (const { v, input } of cleaned) {
        const line = !input.forceNewLine && co.lines.find((l) => l.variantPk === v.pk);
        if (line) { line.quantity += input.quantity; mergeMeta(line.metadata, input.metadata); } else co.lines.push(newLine(v, input));
      }
      dropStaleDelivery(ctx.state, co);
      touch(co);
      return { checkout: co, errors: [] };
    }),
    checkoutLinesUpdate: mutation(({ id, lines }, ctx) => {
      const co = getCheckout(ctx.state, id);
      const channel = checkoutChannel(ctx.state, co);
      const plan = lines.map((l) => {
        if (!l.lineId) throw bad('lineId', 'REQUIRED', 'lineId is required.');
        const g = fromGlobalId(l.lineId);
        const line = g && g.type === 'CheckoutLine' ? co.lines.find((x) => x.pk === g.pk) : null;
        if (!line) throw bad('lineId', 'GRAPHQL_ERROR', `Couldn't resolve to a node: ${l.lineId}`, { lines: [l.lineId] });
        if (l.quantity == null) return { line, quantity: line.quantity };
        if (l.quantity < 0) throw bad('quantity', 'ZERO_QUANTITY', 'The quantity should be higher than zero.', { lines: [l.lineId] });
        return { line, quantity: l.quantity };
      });
      const nonZero = plan.filter((p) => p.quantity > 0);
      cleanLines(ctx.state, channel, nonZero.map((p) => ({ variantId: toGlobalId('ProductVariant', p.line.variantPk), quantity: p.quantity })), { allowZero: true });
      for (const p of plan) p.line.quantity = p.quantity;
      co.lines = co.lines.filter((l) => l.quantity > 0);
      dropStaleDelivery(ctx.state, co);
      touch(co);
      return { checkout: co, errors: [] };
    }),
    checkoutLinesDelete: mutation(({ id, linesIds }, ctx) => {
      const co = getCheckout(ctx.state, id);
      const pks = linesIds.map((lid) => {
        const g = fromGlobalId(lid);
        if (!g || g.type !== 'CheckoutLine' || !co.lines.some((l) => l.pk === g.pk)) throw bad('lineId', 'INVALID', 'Provided line_ids aren\'t part of checkout.', { lines: [lid] });
        return g.pk;
      });
      co.lines = co.lines.filter((l) => !pks.includes(l.pk));
      dropStaleDelivery(ctx.state, co);
      touch(co);
      return { checkout: co, errors: [] };
    }),
    checkoutEmailUpdate: mutation(({ id, email }, ctx) => {
      const co = getCheckout(ctx.state, id);
      if (!EMAIL_RE.test(email ?? '')) throw bad('email', 'INVALID', 'Enter a valid email address.');
      co.email = email;
      touch(co);
      return { checkout: co, errors: [] };
    }),
    checkoutBillingAddressUpdate: mutation(({ id, billingAddress }, ctx) => {
      const co = getCheckout(ctx.state, id);
      co.billingAddress = cleanAddress(ctx.state, billingAddress, 'billingAddress', { addressType: 'BILLING' });
      touch(co);
      return { checkout: co, errors: [] };
    }),
    checkoutShippingAddressUpdate: mutation(({ id, shippingAddress }, ctx) => {
      const co = getCheckout(ctx.state, id);
      if (!isShippingRequired(ctx.state, co)) throw bad('shippingAddress', 'SHIPPING_NOT_REQUIRED', 'This checkout doesn\'t need shipping');
      co.shippingAddress = cleanAddress(ctx.state, shippingAddress, 'shippingAddress', { addressType: 'SHIPPING' });
      dropStaleDelivery(ctx.state, co);
      touch(co);
      return { checkout: co, errors: [] };
    }),
    checkoutDeliveryMethodUpdate: mutation(({ id, deliveryMethodId }, ctx) => {
      const co = getCheckout(ctx.state, id);
      if (!isShippingRequired(ctx.state, co)) throw bad('deliveryMethodId', 'SHIPPING_NOT_REQUIRED', 'This checkout doesn\'t need shipping');
      if (!deliveryMethodId) { co.shippingMethodPk = null; touch(co); return { checkout: co, errors: [] }; }
      const g = fromGlobalId(deliveryMethodId);
      if (!g || !['ShippingMethod', 'ShippingMethodType'].includes(g.type) || !ctx.state.shippingMethods.has(g.pk)) {
        throw bad('deliveryMethodId', 'NOT_FOUND', `Couldn't resolve to a node: ${deliveryMethodId}`);
      }
      if (!co.shippingAddress) throw bad('deliveryMethodId', 'SHIPPING_ADDRESS_NOT_SET', 'Cannot choose a shipping method for a checkout without the shipping address.');
      if (!availableMethods(ctx.state, co).some((x) => x.method.pk === g.pk)) throw bad('deliveryMethodId', 'DELIVERY_METHOD_NOT_APPLICABLE', 'This shipping method is not applicable.');
      co.shippingMethodPk = g.pk;
      touch(co);
      return { checkout: co, errors: [] };
    }),
    checkoutComplete: mutation(({ id, metadata, redirectUrl }, ctx) => {
      const { state } = ctx;
      const g = fromGlobalId(id);
      if (!g || g.type !== 'Checkout') throw bad('id', 'GRAPHQL_ERROR', `Couldn't resolve id: ${id}.`);
      const co = state.checkouts.get(g.pk);
      if (!co) {
        // Replay after success: the checkout is gone, the order made from it is returned as success.
        const order = findBy(state.orders, (o) => o.checkoutToken === g.pk);
        if (order) return { order, confirmationNeeded: false, errors: [] };
        throw bad('id', 'NOT_FOUND', `Couldn't resolve to a node: ${id}`);
      }
      validateMetaInput(metadata);
      if (!co.email) throw bad('email', 'EMAIL_NOT_SET', 'Checkout email must be set.');
      const channel = checkoutChannel(state, co);
      const unavailable = co.lines.filter((l) => variantListing(lineVariant(state, l), channel)?.priceMinor == null);
      if (unavailable.length) throw bad('lines', 'UNAVAILABLE_VARIANT_IN_CHANNEL', 'Some of the checkout lines variants are unavailable.', { variants: unavailable.map((l) => toGlobalId('ProductVariant', l.variantPk)) });
      if (!co.lines.length) throw bad('lines', 'NO_LINES', 'Cannot complete checkout without lines.');
      if (isShippingRequired(state, co)) {
        if (!co.shippingAddress) throw bad('shippingAddress', 'SHIPPING_ADDRESS_NOT_SET', 'Shipping address is not set');
        if (!co.shippingMethodPk) throw bad('shipping', 'SHIPPING_METHOD_NOT_SET', 'Shipping method is not set');
        if (!availableMethods(state, co).some((x) => x.method.pk === co.shippingMethodPk)) throw bad('shipping', 'INVALID_SHIPPING_METHOD', 'Shipping method is not valid for your shipping address');
      }
      if (!co.billingAddress) throw bad('billingAddress', 'BILLING_ADDRESS_NOT_SET', 'Billing address is not set');
      for (const l of co.lines) {
        const v = lineVariant(state, l);
        if (v.trackInventory && l.quantity > quantityAvailable(state, v, channel)) {
          throw bad('lines', 'INSUFFICIENT_STOCK', `Insufficient product stock: ${v.sku ?? toGlobalId('ProductVariant', v.pk)}`, { variants: [toGlobalId('ProductVariant', v.pk)] });
        }
      }
      const totals = checkoutTotals(state, co);
      const pay = paymentTotals(state, co.transactionTokens);
      if (pay.authorized + pay.charged < totals.total) {
        // With transactions Saleor names field `id`; the legacy (no transaction) flow names none.
        throw bad(co.transactionTokens.length ? 'id' : null, 'CHECKOUT_NOT_FULLY_PAID', 'The authorized amount doesn\'t cover the checkout\'s total amount.');
      }
      if (metadata) mergeMeta(co.metadata, metadata);
      const order = createOrderFromCheckout(ctx, co, { redirectUrl });
      return { order, confirmationNeeded: false, errors: [] };
    }, { confirmationNeeded: false }),
  },
};

function lineProblems(state, co, line) {
  const channel = checkoutChannel(state, co);
  const v = lineVariant(state, line);
  const view = Object.assign(Object.create(line), { checkoutToken: co.token });
  if (!v || variantListing(v, channel)?.priceMinor == null || !isAvailableForPurchaseIn(productOf(state, v), channel)) {
    return [{ __typename: 'CheckoutLineProblemVariantNotAvailable', line: view }];
  }
  if (v.trackInventory) {
    const available = quantityAvailable(state, v, channel);
    if (line.quantity > available) return [{ __typename: 'CheckoutLineProblemInsufficientStock', availableQuantity: available, line: view, variant: inChannel(v, channel.slug) }];
  }
  return [];
}

export { hasAny };
