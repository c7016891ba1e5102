// Catalog (installer lookups, uniqueness, search/filters/paging, stock), physical checkout with
// shipping, digital fulfilment, refunds and cancellation with their webhooks.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ADDRESS, adminToken, createApp, createWebhook, gql, op, paidDigitalCheckout, run, seedCatalog, startReceiver, startSim } from './helpers.mjs';

describe('catalog and orders', () => {
  let env; let url; let staff; let seed; let ops; let pay;
  before(async () => {
    env = await startSim();
    url = env.url;
    staff = await adminToken(url);
    seed = await seedCatalog(url, staff);
    ops = await createApp(url, staff, ['MANAGE_ORDERS', 'MANAGE_PRODUCTS', 'MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES', 'MANAGE_SHIPPING', 'MANAGE_CHANNELS', 'HANDLE_PAYMENTS'], 'ops');
    pay = await createApp(url, staff, ['HANDLE_PAYMENTS'], 'pay');
  });
  after(() => env.close());

  test('installer lookups find what was created; duplicates are UNIQUE errors', async () => {
    const t = ops.token;
    assert.equal((await run(url, 'ProductTypes', { slugs: ['digital-license'] }, t)).productTypes.edges[0].node.isShippingRequired, false);
    assert.equal((await run(url, 'CategoryBySlug', { slug: 'agents' }, t)).category.slug, 'agents');
    const p = (await run(url, 'ProductBySlug', { slug: 'csa-pro', channel: 'default-channel' }, t)).product;
    assert.equal(p.variants[0].sku, 'CSA-PRO');
    assert.equal(p.channelListings[0].isPublished, true);
    const v = (await run(url, 'VariantBySku', { sku: 'CSA-PRO', channel: 'default-channel' }, t)).productVariant;
    assert.equal(v.channelListings[0].price.amount, 49);
    assert.equal(v.stocks[0].quantity, 1000000);
    assert.equal((await run(url, 'Warehouses', { slugs: ['digital'] }, t)).warehouses.edges.length, 1);
    assert.equal((await run(url, 'ShippingZones', { channel: 'default-channel' }, t)).shippingZones.edges[0].node.shippingMethods[0].channelListings[0].price.amount, 5);
    const dupType = (await run(url, 'ProductTypeCreate', { input: { name: 'Digital license', slug: 'digital-license' } }, t)).productTypeCreate;
    assert.equal(dupType.errors[0].code, 'UNIQUE');
    const dupProduct = (await run(url, 'ProductCreate', { input: { name: 'X', slug: 'csa-pro', productType: seed.digital.id } }, t)).productCreate;
    assert.deepEqual([dupProduct.errors[0].field, dupProduct.errors[0].code], ['slug', 'UNIQUE']);
    const dupSku = (await run(url, 'ProductVariantCreate', { input: { product: seed.csa.product.id, sku: 'CSA-PRO', attributes: [] } }, t)).productVariantCreate;
    assert.deepEqual([dupSku.errors[0].field, dupSku.errors[0].code], ['sku', 'UNIQUE']);
    const upd = (await run(url, 'ProductUpdate', { id: seed.csa.product.id, input: { name: 'CSA Pro' } }, t)).productUpdate;
    assert.deepEqual(upd.errors, []);
    const vupd = (await run(url, 'ProductVariantUpdate', { id: seed.csa.variant.id, input: { name: '12-month license' } }, t)).productVariantUpdate;
    assert.equal(vupd.productVariant.name, '12-month license');
    // a variant cannot be priced in a channel its product is not listed in
    const other = (await run(url, 'ProductCreate', { input: { name: 'Unlisted', productType: seed.digital.id } }, t)).productCreate.product;
    const ov = (await run(url, 'ProductVariantCreate', { input: { product: other.id, sku: 'UNL', attributes: [] } }, t)).productVariantCreate.productVariant;
    const priced = (await run(url, 'ProductVariantChannelListingUpdate', { id: ov.id, input: [{ channelId: seed.channel.id, price: 1 }] }, t)).productVariantChannelListingUpdate;
    assert.equal(priced.errors[0].code, 'PRODUCT_NOT_ASSIGNED_TO_CHANNEL');
    // missing required input fields fail validation (HTTP 400), as in Saleor
    const invalid = await gql(url, 'mutation { productVariantCreate(input: { product: "x", sku: "y" }) { errors { code } } }', {}, t);
    assert.equal(invalid.status, 400);
  });

  test('variant weight: {unit, value} or a bare number in kg, read back in kg; bad values are rejected', async () => {
    const t = ops.token;
    const set = async (weight) => (await gql(url, op('ProductVariantUpdate'), { id: seed.mug.variant.id, input: { weight } }, t)).body;
    assert.deepEqual((await set({ unit: 'g', value: 350 })).data.productVariantUpdate.productVariant.weight, { unit: 'KG', value: 0.35 });
    assert.deepEqual((await set(1.25)).data.productVariantUpdate.productVariant.weight, { unit: 'KG', value: 1.25 });
    assert.deepEqual((await set({ unit: 'lb', value: 1 })).data.productVariantUpdate.productVariant.weight, { unit: 'KG', value: 0.454 });
    assert.match((await set({ unit: 'stone', value: 1 })).errors[0].message, /Unsupported value/);
    assert.equal((await set(null)).data.productVariantUpdate.productVariant.weight, null);
  });

  test('search, filters, paging, visibility', async () => {
    const s = (await run(url, 'SearchProducts', { channel: 'default-channel', search: 'support agent', first: 10 })).products;
    assert.deepEqual(s.edges.map((e) => e.node.slug), ['csa-pro'], 'search matches the description text');
    const card = s.edges[0].node;
    assert.equal(card.variants[0].quantityAvailable, 50, 'untracked variants report limitQuantityPerCheckout');
    assert.equal(card.pricing.priceRange.start.gross.amount, 49);
    assert.equal(JSON.parse(card.description).blocks[0].data.text, 'Customer support agent — résumé');
    const bySku = (await run(url, 'SearchProducts', { channel: 'default-channel', search: 'credits-500', first: 10 })).products;
    assert.deepEqual(bySku.edges.map((e) => e.node.slug), ['credits']);
    const meta = (await run(url, 'SearchProducts', { channel: 'default-channel', first: 10, where: { metadata: [{ key: 'kind', value: 'credits' }] } })).products;
    assert.deepEqual(meta.edges.map((e) => e.node.slug), ['credits']);
    const page1 = (await run(url, 'ProductFeed', { channel: 'default-channel', first: 2 })).products;
    assert.equal(page1.totalCount, 3);
    assert.equal(page1.pageInfo.hasNextPage, true);
    const page2 = (await run(url, 'ProductFeed', { channel: 'default-channel', first: 2, after: page1.pageInfo.endCursor })).products;
    assert.equal(page2.pageInfo.hasNextPage, false);
    assert.deepEqual([...page1.edges, ...page2.edges].map((e) => e.node.slug), ['agent-mug', 'credits', 'csa-pro']);
    const tooMany = await gql(url, op('ProductFeed'), { channel: 'default-channel', first: 101 });
    assert.match(tooMany.body.errors[0].message, /exceeds the `first` limit of 100/);
    // unlisting hides the product from anonymous listing, not from staff
    await run(url, 'ProductChannelListingUpdate', { id: seed.credits.product.id, input: { updateChannels: [{ channelId: seed.channel.id, visibleInListings: false }] } }, ops.token);
    const anon = (await run(url, 'ProductFeed', { channel: 'default-channel', first: 10 })).products.edges.map((e) => e.node.slug);
    assert.ok(!anon.includes('credits'));
    assert.ok((await run(url, 'CatalogProduct', { slug: 'credits', channel: 'default-channel' })).product, 'still reachable directly');
    await run(url, 'ProductChannelListingUpdate', { id: seed.credits.product.id, input: { removeChannels: [seed.channel.id] } }, ops.token);
    assert.equal((await run(url, 'CatalogProduct', { slug: 'credits', channel: 'default-channel' })).product, null);
    assert.equal((await run(url, 'CatalogVariant', { sku: 'CREDITS-500', channel: 'default-channel' })).productVariant, null);
    assert.ok((await run(url, 'ProductBySlug', { slug: 'credits', channel: 'default-channel' }, ops.token)).product, 'staff still sees it');
    const unlisted = (await run(url, 'CheckoutCreate', { input: { channel: 'default-channel', lines: [{ variantId: seed.credits.variant.id, quantity: 1 }] } })).checkoutCreate;
    assert.equal(unlisted.errors[0].code, 'PRODUCT_NOT_PUBLISHED');
    // list again for the other tests
    await run(url, 'ProductChannelListingUpdate', { id: seed.credits.product.id, input: { updateChannels: [{ channelId: seed.channel.id, isPublished: true, visibleInListings: true, isAvailableForPurchase: true }] } }, ops.token);
    await run(url, 'ProductVariantChannelListingUpdate', { id: seed.credits.variant.id, input: [{ channelId: seed.channel.id, price: '10.00' }] }, ops.token);
  });

  test('stock: quantityAvailable, INSUFFICIENT_STOCK on add, problems, allocation at order', async () => {
    const v = (await run(url, 'CatalogVariant', { sku: 'MUG', channel: 'default-channel' })).productVariant;
    assert.equal(v.quantityAvailable, 3);
    const tooMany = (await run(url, 'CheckoutCreate', { input: { channel: 'default-channel', lines: [{ variantId: seed.mug.variant.id, quantity: 4 }] } })).checkoutCreate;
    assert.equal(tooMany.errors[0].code, 'INSUFFICIENT_STOCK');
    assert.deepEqual(tooMany.errors[0].variants, [seed.mug.variant.id]);
    const c = (await run(url, 'CheckoutCreate', { input: { channel: 'default-channel', email: 'm@example.com', lines: [{ variantId: seed.mug.variant.id, quantity: 2 }] } })).checkoutCreate.checkout;
    const add = (await run(url, 'CheckoutLinesAdd', { id: c.id, lines: [{ variantId: seed.mug.variant.id, quantity: 2 }] })).checkoutLinesAdd;
    assert.equal(add.errors[0].code, 'INSUFFICIENT_STOCK');
    const zero = (await run(url, 'CheckoutLinesAdd', { id: c.id, lines: [{ variantId: seed.mug.variant.id, quantity: 0 }] })).checkoutLinesAdd;
    assert.equal(zero.errors[0].code, 'ZERO_QUANTITY');
    await run(url, 'ProductVariantStocksUpdate', { variantId: seed.mug.variant.id, stocks: [{ warehouse: seed.warehouse.id, quantity: 1 }] }, ops.token);
    const problems = (await run(url, 'Checkout', { id: c.id })).checkout.problems;
    assert.equal(problems[0].__typename, 'CheckoutLineProblemInsufficientStock');
    assert.equal(problems[0].availableQuantity, 1);
    await run(url, 'ProductVariantStocksUpdate', { variantId: seed.mug.variant.id, stocks: [{ warehouse: seed.warehouse.id, quantity: 3 }] }, ops.token);
    // lines update / delete
    const line = (await run(url, 'Checkout', { id: c.id })).checkout.lines[0];
    const upd = (await run(url, 'CheckoutLinesUpdate', { id: c.id, lines: [{ lineId: line.id, quantity: 1 }] })).checkoutLinesUpdate;
    assert.equal(upd.checkout.quantity, 1);
    const del = (await run(url, 'CheckoutLinesDelete', { id: c.id, linesIds: [line.id] })).checkoutLinesDelete;
    assert.deepEqual(del.checkout.lines, []);
    const noLines = (await run(url, 'CheckoutComplete', { id: c.id })).checkoutComplete;
    assert.equal(noLines.errors[0].code, 'NO_LINES');
  });

  test('physical goods need shipping address + method; digital checkouts have none', async () => {
    const digital = (await run(url, 'CheckoutCreate', { input: { channel: 'default-channel', lines: [{ variantId: seed.csa.variant.id, quantity: 1 }], shippingAddress: ADDRESS } })).checkoutCreate.checkout;
    assert.equal(digital.isShippingRequired, false);
    assert.deepEqual(digital.shippingMethods, []);
    const notReq = (await run(url, 'CheckoutShippingAddressUpdate', { id: digital.id, address: ADDRESS })).checkoutShippingAddressUpdate;
    assert.equal(notReq.errors[0].code, 'SHIPPING_NOT_REQUIRED');

    const c = (await run(url, 'CheckoutCreate', { input: { channel: 'default-channel', email: 'p@example.com', billingAddress: ADDRESS, lines: [{ variantId: seed.mug.variant.id, quantity: 2 }] } })).checkoutCreate.checkout;
    assert.equal(c.isShippingRequired, true);
    assert.deepEqual(c.shippingMethods, []);
    let r = (await run(url, 'CheckoutComplete', { id: c.id })).checkoutComplete;
    assert.equal(r.errors[0].code, 'SHIPPING_ADDRESS_NOT_SET');
    const badAddr = (await run(url, 'CheckoutShippingAddressUpdate', { id: c.id, address: { ...ADDRESS, postalCode: null } })).checkoutShippingAddressUpdate;
    assert.deepEqual([badAddr.errors[0].field, badAddr.errors[0].code, badAddr.errors[0].addressType], ['postalCode', 'REQUIRED', 'SHIPPING']);
    const withAddr = (await run(url, 'CheckoutShippingAddressUpdate', { id: c.id, address: ADDRESS })).checkoutShippingAddressUpdate.checkout;
    assert.equal(withAddr.shippingMethods.length, 1);
    r = (await run(url, 'CheckoutComplete', { id: c.id })).checkoutComplete;
    assert.equal(r.errors[0].code, 'SHIPPING_METHOD_NOT_SET');
    const sm = withAddr.shippingMethods[0];
    const chosen = (await run(url, 'CheckoutDeliveryMethodUpdate', { id: c.id, deliveryMethodId: sm.id })).checkoutDeliveryMethodUpdate.checkout;
    assert.equal(chosen.delivery.shippingMethod.id, sm.id);
    assert.equal(chosen.shippingPrice.gross.amount, 5);
    assert.equal(chosen.totalPrice.gross.amount, 30);
    const foreign = (await run(url, 'CheckoutShippingAddressUpdate', { id: c.id, address: { firstName: 'A', lastName: 'B', streetAddress1: 'x', city: 'Berlin', postalCode: '10115', country: 'DE' } })).checkoutShippingAddressUpdate.checkout;
    assert.deepEqual(foreign.shippingMethods, [], 'no zone covers DE');
    assert.equal(foreign.delivery, null, 'stale delivery method dropped');
    await run(url, 'CheckoutShippingAddressUpdate', { id: c.id, address: ADDRESS });
    await run(url, 'CheckoutDeliveryMethodUpdate', { id: c.id, deliveryMethodId: sm.id });
    await run(url, 'TransactionCreate', { id: c.id, transaction: { name: 'psp', pspReference: 'ship', amountCharged: { amount: 30, currency: 'USD' } } }, pay.token);
    r = (await run(url, 'CheckoutComplete', { id: c.id })).checkoutComplete;
    assert.deepEqual(r.errors, []);
    const order = (await run(url, 'Order', { id: r.order.id }, ops.token)).order;
    assert.equal(order.total.gross.amount, 30);
    const v = (await run(url, 'VariantBySku', { sku: 'MUG' }, ops.token)).productVariant;
    assert.equal(v.stocks[0].quantity, 3, 'stock is only allocated until fulfilment');
    assert.equal((await run(url, 'CatalogVariant', { sku: 'MUG', channel: 'default-channel' })).productVariant.quantityAvailable, 1);
  });

  test('order query: public by id, sensitive fields guarded; digital fulfilment; metadata write-back', async () => {
    const rcv = await startReceiver();
    try {
      const hooks = await createApp(url, staff, ['MANAGE_ORDERS'], 'hooks');
      await createWebhook(url, hooks.token, { targetUrl: `${rcv.url}/refunded`, events: ['ORDER_REFUNDED'], query: op('OrderRefunded'), name: 'r' });
      await createWebhook(url, hooks.token, { targetUrl: `${rcv.url}/fully-refunded`, events: ['ORDER_FULLY_REFUNDED'], query: op('OrderFullyRefunded'), name: 'fr' });
      await createWebhook(url, hooks.token, { targetUrl: `${rcv.url}/cancelled`, events: ['ORDER_CANCELLED'], query: op('OrderCancelled'), name: 'c' });
      const { checkoutId, transactionId } = await paidDigitalCheckout(url, seed, pay.token);
      const placed = (await run(url, 'CheckoutComplete', { id: checkoutId })).checkoutComplete.order;
      const buyer = (await run(url, 'BuyerOrder', { id: placed.id })).order;
      assert.equal(buyer.number, placed.number);
      const anon = await gql(url, op('Order'), { id: placed.id });
      assert.equal(anon.body.errors[0].extensions.exception.code, 'PermissionDenied');
      const order = (await run(url, 'Order', { id: placed.id }, ops.token)).order;
      assert.equal(order.user, null, 'guest checkout');
      assert.deepEqual(order.privateMetadata, []);

      const tag = (await run(url, 'UpdatePrivateMetadata', { id: order.id, input: [{ key: 'provisioned', value: 'true' }] }, ops.token)).updatePrivateMetadata;
      assert.deepEqual(tag.item.privateMetadata, [{ key: 'provisioned', value: 'true' }]);
      const lines = order.lines.map((l) => ({ orderLineId: l.id, stocks: [{ warehouse: seed.warehouse.id, quantity: l.quantity }] }));
      const tooMuch = (await run(url, 'OrderFulfill', { order: order.id, lines: [{ ...lines[0], stocks: [{ warehouse: seed.warehouse.id, quantity: 99 }] }] }, ops.token)).orderFulfill;
      assert.equal(tooMuch.errors[0].code, 'FULFILL_ORDER_LINE');
      const f = (await run(url, 'OrderFulfill', { order: order.id, lines }, ops.token)).orderFulfill;
      assert.deepEqual(f.errors, []);
      assert.equal(f.order.status, 'FULFILLED');
      assert.equal(f.fulfillments[0].status, 'FULFILLED');
      const after1 = (await run(url, 'Order', { id: order.id }, ops.token)).order;
      assert.ok(after1.lines.every((l) => l.quantityToFulfill === 0));
      const untracked = (await run(url, 'VariantBySku', { sku: 'CSA-PRO' }, ops.token)).productVariant;
      assert.equal(untracked.stocks[0].quantity, 1000000, 'untracked stock is never decreased');
      const cancelFulfilled = (await run(url, 'OrderCancel', { id: order.id }, ops.token)).orderCancel;
      assert.equal(cancelFulfilled.errors[0].code, 'CANNOT_CANCEL_ORDER');

      // refunds: grant, then the owning payment app reports REFUND_SUCCESS
      const grant = (await run(url, 'OrderGrantRefundCreate', { id: order.id, input: { amount: 10, reason: 'partial', transactionId } }, ops.token)).orderGrantRefundCreate;
      assert.deepEqual(grant.errors, []);
      const notOwner = await gql(url, op('TransactionEventReport'), { id: transactionId, type: 'REFUND_SUCCESS', amount: 10, pspReference: 're_1' }, ops.token);
      assert.equal(notOwner.body.errors[0].extensions.exception.code, 'PermissionDenied');
      const part = (await run(url, 'TransactionEventReport', { id: transactionId, type: 'REFUND_SUCCESS', amount: 10, pspReference: 're_1' }, pay.token)).transactionEventReport;
      assert.deepEqual(part.errors, []);
      assert.equal(part.transaction.refundedAmount.amount, 10);
      const dup = (await run(url, 'TransactionEventReport', { id: transactionId, type: 'REFUND_SUCCESS', amount: 10, pspReference: 're_1' }, pay.token)).transactionEventReport;
      assert.equal(dup.alreadyProcessed, true);
      await rcv.waitFor((reqs) => reqs.some((r) => r.url === '/refunded'));
      assert.ok(!rcv.requests.some((r) => r.url === '/fully-refunded'));
      await run(url, 'TransactionEventReport', { id: transactionId, type: 'REFUND_SUCCESS', amount: 59, pspReference: 're_2' }, pay.token);
      await rcv.waitFor((reqs) => reqs.some((r) => r.url === '/fully-refunded'));
      const fr = JSON.parse(rcv.requests.find((r) => r.url === '/fully-refunded').raw.toString());
      assert.equal(fr.__typename, 'OrderFullyRefunded');
      assert.equal(fr.order.id, order.id);
      assert.equal(fr.order.chargeStatus, 'NONE');
      assert.equal(rcv.requests.find((r) => r.url === '/fully-refunded').headers['saleor-event'], 'order_fully_refunded');

      // cancellation of an unfulfilled order
      const second = await paidDigitalCheckout(url, seed, pay.token);
      const o2 = (await run(url, 'CheckoutComplete', { id: second.checkoutId })).checkoutComplete.order;
      const cancelled = (await run(url, 'OrderCancel', { id: o2.id }, ops.token)).orderCancel;
      assert.equal(cancelled.order.status, 'CANCELED');
      await rcv.waitFor((reqs) => reqs.some((r) => r.url === '/cancelled'));
      const cbody = JSON.parse(rcv.requests.find((r) => r.url === '/cancelled').raw.toString());
      assert.equal(cbody.__typename, 'OrderCancelled');
      assert.equal(cbody.order.status, 'CANCELED');
    } finally { await rcv.close(); }
  });
});
