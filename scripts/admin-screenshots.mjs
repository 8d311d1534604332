// Screenshots of the admin console for docs/console.md, against a running, empty instance:
//   BASE_URL=http://127.0.0.1:3000 ADMIN_TOKEN=... node scripts/admin-screenshots.mjs
// It creates a few triggers pointed at a local stand-in target, delivers webhooks, waits for
// them to settle and saves docs/screenshots/*.png (1280×800, plus one at phone width).
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { chromium } from 'playwright-core';
import chromiumOptions from '../test/browser/support/chromium.json' with { type: 'json' };

const baseUrl = process.env.BASE_URL ?? 'http://127.0.0.1:3000';
const token = process.env.ADMIN_TOKEN;
const out = new URL('../docs/screenshots/', import.meta.url).pathname;
if (!token) {
  throw new Error('Set ADMIN_TOKEN (and BASE_URL) of the running instance.');
}

// The downstream: /crm answers 503 (retried, then dead-lettered), /billing 400, the rest 200.
const target = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    const status = request.url.startsWith('/crm')
      ? 503
      : request.url.startsWith('/billing')
        ? 400
        : 200;
    setTimeout(
      () => response.writeHead(status).end(`{"status":${status}}`),
      20 + Math.random() * 80,
    );
  });
});
await new Promise((resolve) => target.listen(0, '127.0.0.1', resolve));
const targetUrl = `http://127.0.0.1:${target.address().port}`;

async function api(method, path, body) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  }
  return response.status === 204 ? null : response.json();
}

const fast = { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 400, jitterMs: 50 };
const triggers = [
  {
    name: 'Shop orders → fulfilment',
    slug: 'shop-orders',
    action: { type: 'http', url: `${targetUrl}/fulfil` },
    retryPolicy: fast,
    dailyWatermark: 500,
  },
  {
    name: 'Order shipped → WhatsApp',
    slug: 'order-shipped',
    action: {
      type: 'whatsapp',
      baseUrl: `${targetUrl}/evolution`,
      apiKey: 'demo-api-key',
      toPath: 'customer.phone',
      textTemplate: 'Hi {{customer.name}}, order {{order.id}} is on its way.',
    },
    retryPolicy: fast,
    dailyWatermark: 12,
  },
  {
    name: 'Leads → CRM',
    slug: 'crm-leads',
    action: { type: 'http', url: `${targetUrl}/crm/leads` },
    retryPolicy: fast,
  },
  {
    name: 'Invoices → billing',
    slug: 'billing-invoices',
    action: { type: 'http', url: `${targetUrl}/billing`, method: 'PUT' },
    retryPolicy: { ...fast, maxAttempts: 1 },
  },
];
for (const trigger of triggers) {
  await api('POST', '/api/triggers', trigger);
}
const deliveries = [
  ...Array.from({ length: 18 }, (_, n) => [
    'shop-orders',
    { messageId: `order-${1000 + n}`, total: 20 + n },
  ]),
  ...Array.from({ length: 14 }, (_, n) => [
    'order-shipped',
    {
      messageId: `ship-${n}`,
      customer: { name: ['Ada', 'Grace', 'Linus'][n % 3], phone: `+49151000${100 + n}` },
      order: { id: `A-${500 + n}` },
    },
  ]),
  ...Array.from({ length: 3 }, (_, n) => [
    'crm-leads',
    { messageId: `lead-${n}`, email: `lead${n}@example.com` },
  ]),
  ...Array.from({ length: 4 }, (_, n) => [
    'billing-invoices',
    { messageId: `inv-${n}`, amount: 100 * (n + 1) },
  ]),
];
for (const [slug, payload] of deliveries) {
  await fetch(`${baseUrl}/hooks/${slug}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  });
}
await fetch(`${baseUrl}/hooks/shop-orders`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ messageId: 'order-1000' }),
});
for (;;) {
  const stats = await api('GET', '/api/stats');
  if (stats.byStatus.pending + stats.byStatus.running + stats.byStatus.failed_retryable === 0) {
    break;
  }
  await delay(250);
}

const profile = mkdtempSync(join(tmpdir(), 'triggerline-screenshots-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM_PATH ?? chromiumOptions.executablePath,
  args: chromiumOptions.args,
  viewport: { width: 1280, height: 800 },
  reducedMotion: 'reduce',
});
const page = context.pages()[0] ?? (await context.newPage());
page.on(
  'console',
  (message) => message.type() === 'error' && console.error('console:', message.text()),
);
await page.goto(`${baseUrl}/admin/`);
await page.getByLabel('Token', { exact: true }).fill(token);
await page.getByRole('button', { name: 'Sign in' }).click();
await page.getByRole('heading', { name: 'Triggers', level: 1 }).waitFor();
await page.getByTestId('volume-order-shipped').waitFor();
await page.getByTestId('banner-watermark_hit').waitFor();
await page.screenshot({ path: join(out, 'triggers.png') });

const [crm] = (await api('GET', '/api/triggers')).items.filter((t) => t.slug === 'crm-leads');
const dead = await api('GET', `/api/executions?triggerId=${crm.id}&status=dead_lettered&limit=1`);
await page.goto(`${baseUrl}/admin/executions/${dead.items[0].id}`);
await page.getByTestId('attempt-timeline').waitFor();
await page.screenshot({ path: join(out, 'execution-detail.png') });

await page.getByRole('link', { name: /Dead letters/ }).click();
await page.locator('tr[data-id]').first().waitFor();
await page.locator('tr[data-id] mat-checkbox').nth(0).click();
await page.locator('tr[data-id] mat-checkbox').nth(1).click();
await page.screenshot({ path: join(out, 'dead-letters.png') });
await page.getByTestId('replay-dead-letter').first().click();
await page.getByTestId('replay-body').waitFor();
await page.locator('.mdc-dialog--open').waitFor();
await page.screenshot({ path: join(out, 'replay-dialog.png') });
await page.keyboard.press('Escape');
await page.locator('.mdc-dialog--open').waitFor({ state: 'detached' });
await page.getByTestId('replay-all-matching').click();
await page.getByTestId('redrive-matched').waitFor();
await page.screenshot({ path: join(out, 'redrive-dialog.png') });
await page.getByRole('button', { name: 'Cancel', exact: true }).click();
await page.locator('.mdc-dialog--open').waitFor({ state: 'detached' });

const [orders] = (await api('GET', '/api/triggers')).items.filter((t) => t.slug === 'shop-orders');
await page.goto(`${baseUrl}/admin/triggers/${orders.id}`);
const schedule = page.locator('fieldset', { has: page.getByTestId('retry-schedule') });
await page.getByTestId('retry-worst-case').waitFor();
await schedule.screenshot({ path: join(out, 'retry-schedule.png') });

await page.getByRole('link', { name: 'Stats', exact: true }).click();
await page.getByTestId('execution-chart').waitFor();
await page.screenshot({ path: join(out, 'stats.png'), fullPage: true });

await page.setViewportSize({ width: 390, height: 844 });
await page.getByRole('link', { name: 'Stats', exact: true }).waitFor({ state: 'hidden' });
await page.goto(`${baseUrl}/admin/triggers`);
await page.getByTestId('volume-order-shipped').waitFor();
await page.screenshot({ path: join(out, 'triggers-phone.png') });

await context.close();
rmSync(profile, { recursive: true, force: true });
target.close();
console.log(`saved screenshots to ${out}`);
