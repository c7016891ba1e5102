// The official MCP TypeScript SDK client buys through the gateway's /mcp, end to end, as a buyer would with Claude
// Desktop or VS Code: sign in (password grant, dev), search, check out CSA-PRO plus a credit pack, tokenize a card at
// the test PSP (vt_…), complete with an idempotency key, watch the purchase become a Ready agent with credits, run it.
//
// It needs the whole platform on loopback, which Cmp.AgentCommerce.Tests (McpTypeScriptClientTests) starts before
// running this file with:
//   CMP_GATEWAY_URL   the gateway (its /mcp and /acp)
//   CMP_TOKEN_URL     the identity server's token endpoint (Keycloak's …/protocol/openid-connect/token)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const gateway = process.env.CMP_GATEWAY_URL;
const tokenUrl = process.env.CMP_TOKEN_URL;
if (!gateway || !tokenUrl) {
  throw new Error('CMP_GATEWAY_URL and CMP_TOKEN_URL are not set: run this through `dotnet test tests/Cmp.AgentCommerce.Tests` (McpTypeScriptClientTests), which starts the platform.');
}

async function buyerToken() {
  const r = await fetch(tokenUrl, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'password', client_id: 'cmp-web', username: 'buyer@example.com', password: 'buyer' }),
  });
  assert.equal(r.status, 200, `token request: ${await r.clone().text()}`);
  return (await r.json()).access_token;
}

async function until(what, probe, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await probe();
    if (last.done) return last.value;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.fail(`timed out waiting for ${what}; last: ${JSON.stringify(last?.value)}`);
}

/** A tool call that must succeed; the SDK has already checked structuredContent against the tool's outputSchema. */
async function call(client, name, args = {}) {
  const r = await client.callTool({ name, arguments: args });
  assert.ok(!r.isError, `${name} failed: ${r.content?.map((c) => c.text).join(' ')}`);
  assert.ok(r.structuredContent, `${name} returned no structured content`);
  return r.structuredContent;
}

const state = {};

test('the MCP TypeScript SDK buys an agent plan and credits through the gateway', async (t) => {
  const token = await buyerToken();
  const transport = new StreamableHTTPClientTransport(new URL('/mcp', gateway), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  });
  const client = new Client({ name: 'cmp-e2e', version: '1.0.0' });
  await client.connect(transport);
  state.client = client;
  state.token = token;
  t.after(async () => {});

  await t.test('connects with a session and lists every tool with schemas', async () => {
    assert.ok(transport.sessionId, 'a Streamable HTTP session id');
    const { tools } = await client.listTools();
    const names = tools.map((x) => x.name).sort();
    assert.deepEqual(names, ['cancel_checkout', 'complete_checkout', 'create_checkout', 'get_checkout', 'get_credit_balance', 'get_order',
      'get_product', 'list_my_agents', 'run_agent', 'search_catalog', 'update_checkout']);
    const complete = tools.find((x) => x.name === 'complete_checkout');
    assert.ok(complete.inputSchema.required.includes('idempotency_key'));
    assert.equal(complete.outputSchema.type, 'object');
  });

  await t.test('finds CSA-PRO in the catalog', async () => {
    const found = await call(client, 'search_catalog', { query: 'customer support' });
    const pro = found.items.find((i) => i.sku === 'CSA-PRO');
    assert.ok(pro, `CSA-PRO in ${JSON.stringify(found.items.map((i) => i.sku))}`);
    assert.equal(pro.price.amount, 4999);
    assert.equal(pro.kind, 'agent');
  });

  await t.test('checks out CSA-PRO and 100 credits, pays with a delegated token, and gets the order', async () => {
    const checkout = await call(client, 'create_checkout', { items: [{ sku: 'CSA-PRO', quantity: 1 }, { sku: 'CREDITS-100', quantity: 1 }] });
    assert.equal(checkout.status, 'ready_for_payment', checkout.next_step);
    assert.equal(checkout.buyer_email, 'buyer@example.com');
    assert.equal(checkout.totals.total.amount, 4999 + 1000);
    assert.ok(checkout.fulfillment_options.every((o) => o.type === 'digital'));

    // The card is tokenized by the buyer's side at the test PSP (ACP delegate_payment), never given to the model.
    const delegated = await fetch(checkout.payment.delegate_payment_url, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'API-Version': '2026-04-17', 'Content-Type': 'application/json', 'Idempotency-Key': randomUUID() },
      body: JSON.stringify({
        payment_method: {
          type: 'card', card_number_type: 'fpan', number: '4242424242424242', exp_month: '12', exp_year: String(new Date().getUTCFullYear() + 3),
          name: 'Ada Lovelace', cvc: '123', display_card_funding_type: 'credit', display_brand: 'visa', display_last4: '4242', metadata: {},
        },
        allowance: {
          reason: 'one_time', max_amount: checkout.payment.max_amount, currency: checkout.payment.currency,
          checkout_session_id: checkout.checkout_id, merchant_id: checkout.payment.merchant_id,
          expires_at: new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, 'Z'),
        },
        risk_signals: [{ type: 'card_testing', score: 3, action: 'authorized' }],
        metadata: { source: 'mcp-e2e' },
      }),
    });
    const vault = await delegated.json();
    assert.equal(delegated.status, 201, JSON.stringify(vault));
    assert.match(vault.id, /^vt_/);

    const args = {
      checkout_id: checkout.checkout_id, idempotency_key: randomUUID(), payment_token: vault.id,
      billing_address: { name: 'Ada Lovelace', line_one: '1 Main St', city: 'New York', state: 'NY', country: 'US', postal_code: '10001' },
    };
    const done = await call(client, 'complete_checkout', args);
    assert.equal(done.status, 'completed', done.next_step);
    assert.ok(done.order?.order_id);
    const again = await call(client, 'complete_checkout', args);
    assert.equal(again.order.order_id, done.order.order_id, 'a retry with the same key returns the same order');
    state.orderId = done.order.order_id;

    const order = await call(client, 'get_order', { order_id: state.orderId });
    assert.deepEqual(order.lines.map((l) => l.sku).sort(), ['CREDITS-100', 'CSA-PRO']);
  });

  await t.test('the order provisions a Ready CSA-PRO agent and 100 credits for the buyer', async () => {
    const agent = await until('a Ready CSA-PRO agent', async () => {
      const r = await client.callTool({ name: 'list_my_agents', arguments: {} });
      const a = r.isError ? undefined : r.structuredContent.agents.find((x) => x.sku === 'CSA-PRO');
      return { done: a?.status === 'Ready', value: a ?? r.content?.[0]?.text };
    });
    assert.equal(agent.credits_per_run, 1);
    state.instanceId = agent.instance_id;
    const credits = await until('100 credits', async () => {
      const r = await client.callTool({ name: 'get_credit_balance', arguments: {} });
      return { done: !r.isError && r.structuredContent.balance >= 100, value: r.isError ? r.content?.[0]?.text : r.structuredContent };
    });
    assert.equal(credits.available, 100);
  });

  await t.test('run_agent runs the purchased agent and charges its credits exactly once', async () => {
    const args = { instance_id: state.instanceId, input: 'How do I reset my password?', idempotency_key: randomUUID() };
    const run = await call(client, 'run_agent', args);
    assert.ok(run.output?.length > 0, JSON.stringify(run));
    assert.equal(run.credits_charged, 1, 'CSA-PRO costs 1 credit per run');
    assert.equal(run.balance_after, 100 - 1);
    assert.equal(run.replayed, false);

    // An agent that lost the answer retries with the same key: the same run comes back, and it is not charged again.
    const again = await call(client, 'run_agent', args);
    assert.equal(again.run_id, run.run_id);
    assert.equal(again.replayed, true);
    const credits = await call(client, 'get_credit_balance');
    assert.deepEqual({ balance: credits.balance, reserved: credits.reserved }, { balance: 100 - 1, reserved: 0 });
  });

  await t.test('run_agent refuses an instance that is not the buyer\'s, with a reason', async () => {
    const r = await client.callTool({ name: 'run_agent', arguments: { instance_id: randomUUID(), input: 'hello' } });
    assert.equal(r.isError, true);
    assert.match(r.content[0].text, /not yours.*\[instance_not_found\]$/s);
  });

  await transport.terminateSession();
  await client.close();
});
