// Drives the admin console at /ui in Debian's chromium through playwright-core, and prints one JSON line of what it saw
// for the C# test to assert. Any failed step throws, so the process exits non-zero with the step's message.
//   CONSOLE_MODE=flow : the must-show walk (sign in, team, key with budget, calls, overview, logs, virtual key, block).
//   CONSOLE_MODE=large: every page against a store of 100,000 spend events: render time and API calls per page.
// Env: GATEWAY_URL, GATEWAY_MASTER_KEY, CHROMIUM, PLAYWRIGHT_CORE and OPENAI_SDK (package folders), SCREENSHOTS.
const path = require('path');
const fs = require('fs');
const { chromium } = require(process.env.PLAYWRIGHT_CORE);

const base = process.env.GATEWAY_URL;
const master = process.env.GATEWAY_MASTER_KEY;
const shots = process.env.SCREENSHOTS;
fs.mkdirSync(shots, { recursive: true });

// Counts the gateway API calls a page makes (everything but the console's own files), and waits until none is open.
function track(page) {
  const t = { calls: [], open: 0, urls: [] };
  page.on('request', (r) => {
    const u = new URL(r.url());
    t.urls.push(r.url());
    if (u.origin === new URL(base).origin && !u.pathname.startsWith('/ui')) { t.calls.push(`${r.method()} ${u.pathname}`); t.open++; }
  });
  const done = (r) => { const u = new URL(r.url()); if (u.origin === new URL(base).origin && !u.pathname.startsWith('/ui')) t.open--; };
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  t.settled = async () => {
    for (let quiet = 0; quiet < 3;) { await page.waitForTimeout(50); quiet = t.open === 0 ? quiet + 1 : 0; }
  };
  return t;
}

// Opens one page of the console (by its menu link, or by running `go`) and measures until `ready` shows; returns
// the time and the API calls the page made. Counting starts just before the navigation, so each page is counted alone.
// A `css=` ready selector is timed inside the page, on the animation frame it first appears in, from the click (or, for a
// page load, from the navigation's start): the render time without the test driver's own round trips.
async function visit(page, t, name, go, ready, shoot = true) {
  await t.settled();
  t.calls.length = 0;
  const started = Date.now();
  await page.evaluate(() => { window.visitStart = performance.now(); });
  if (typeof go === 'string') await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: go, exact: true }).click();
  else await go();
  let ms;
  if (ready.startsWith('css=')) {
    const shown = await page.waitForFunction((css) => (document.querySelector(css) ? performance.now() - (window.visitStart ?? 0) : false),
      ready.slice(4), { polling: 'raf', timeout: 15000 });
    ms = Math.round(await shown.jsonValue());
  } else {
    await page.locator(ready).first().waitFor({ state: 'visible', timeout: 15000 });
    ms = Date.now() - started;
  }
  await t.settled();
  if (shoot) await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
  // At laptop width nothing may scroll sideways: wide tables scroll inside their own box.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  // How long each of the page's API calls took, as the browser saw it (the rest of `ms` is the page's own work).
  const apiMs = await page.evaluate((n) => performance.getEntriesByType('resource').filter((e) => !new URL(e.name).pathname.startsWith('/ui'))
    .slice(-n).map((e) => Math.round(e.duration)), t.calls.length);
  return { page: name, ms, calls: [...t.calls], apiMs: t.calls.length ? apiMs : [], overflow };
}

async function signIn(page, key) {
  await page.goto(`${base}/ui/`);
  await page.getByLabel('Key', { exact: true }).fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function chat(key, n) {
  const mod = require(process.env.OPENAI_SDK);
  const OpenAI = mod.default ?? mod.OpenAI ?? mod;
  const client = new OpenAI({ apiKey: key, baseURL: `${base}/v1`, maxRetries: 0, timeout: 30000 });
  for (let i = 0; i < n; i++) {
    await client.chat.completions.create({ model: 'priced', max_tokens: 10, messages: [{ role: 'user', content: `call ${i}` }] });
  }
  return client;
}

async function flow(browser) {
  const out = {};
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.location().url.endsWith('/alerts?limit=50')) errors.push(`${m.text()} (${m.location().url})`);
  });
  const t = track(page);

  await page.goto(`${base}/ui/`);
  await page.screenshot({ path: path.join(shots, 'sign-in.png') });
  // Keyboard only: the key field has focus order first, Enter submits.
  out.overviewEmpty = await visit(page, t, 'overview-empty', async () => {
    await page.keyboard.press('Tab');
    out.firstFocus = await page.evaluate(() => document.activeElement?.id);
    await page.keyboard.type(master);
    await page.keyboard.press('Enter');
  }, 'h1:text("Overview")');

  // A team, then a key in it with a budget of $1, through the console's own forms.
  await visit(page, t, 'teams-empty', 'Teams', 'caption:text("Teams (")');
  await page.getByRole('button', { name: 'Create team' }).click();
  await page.getByLabel('Team id').fill('ui-team');
  await page.getByLabel('Team alias').fill('Console team');
  await page.getByLabel('Max budget (USD)').fill('5');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.getByRole('cell', { name: 'Console team (ui-team)' }).waitFor();
  out.teams = await visit(page, t, 'teams', () => page.reload(), 'caption:text("Teams (1)")');

  await visit(page, t, 'keys-empty', 'Keys', 'caption:text("Keys (")');
  // A dialog takes focus and Escape closes it.
  await page.getByRole('button', { name: 'Create key' }).click();
  out.dialogFocus = await page.evaluate(() => document.activeElement?.id);
  await page.keyboard.press('Escape');
  out.dialogOpenAfterEscape = await page.locator('dialog[open]').count();
  await page.getByRole('button', { name: 'Create key' }).click();
  await page.getByLabel('Alias', { exact: true }).fill('ui-key');
  await page.getByLabel('Team').selectOption('ui-team');
  await page.getByLabel('Max budget (USD)').fill('1');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  const secret = (await page.getByTestId('secret').textContent()).trim();
  await page.screenshot({ path: path.join(shots, 'key-created.png') });
  await page.getByRole('button', { name: 'Done' }).click();
  out.keys = await visit(page, t, 'keys', () => page.reload(), 'a:text("ui-key")');
  out.secretShown = secret.startsWith('sk-');

  // Calls with the new key through the official OpenAI SDK, and a few with the master key (data the key must not see).
  await chat(secret, 3);
  await chat(master, 2);
  out.callsMade = 3;

  out.overview = await visit(page, t, 'overview', 'Overview', '[data-testid="spend-chart"] canvas');
  out.overviewBudget = await page.getByRole('meter', { name: 'Key ui-key budget used' }).getAttribute('aria-valuetext');
  out.overviewTopKey = await page.locator('table:has(caption:text("Top keys")) tbody tr').first().innerText();
  out.chartLabel = await page.getByTestId('spend-chart').getAttribute('aria-label');

  // Logs filtered to the key.
  out.logsAll = await visit(page, t, 'logs', 'Logs', 'caption:text("Spend logs")');
  out.logRowsAll = await page.locator('table:has(caption:text("Spend logs")) tbody tr').count();
  await page.getByLabel('Key (or token)').fill(secret);
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForFunction(() => document.querySelectorAll('table tbody tr').length === 3);
  out.logRowsKey = await page.locator('table:has(caption:text("Spend logs")) tbody tr').allInnerTexts();
  await page.screenshot({ path: path.join(shots, 'logs-filtered.png'), fullPage: true });
  await page.getByRole('button', { name: /^Details of / }).first().click();
  out.drawer = await page.locator('dialog.drawer pre').innerText();
  await page.screenshot({ path: path.join(shots, 'log-detail.png') });
  await page.getByRole('button', { name: 'Close' }).click();

  // The key's own page: budget bar, spend by day, recent calls.
  await visit(page, t, 'keys-again', 'Keys', 'a:text("ui-key")');
  out.keyDetail = await visit(page, t, 'key-detail', () => page.getByRole('link', { name: 'ui-key' }).click(), '[data-testid="spend-chart"] canvas');
  out.keyBudget = await page.getByRole('meter').getAttribute('aria-valuetext');

  out.users = await visit(page, t, 'users', 'Users', 'caption:text("Users (")');
  out.customers = await visit(page, t, 'customers', 'End users', 'caption:text("End users (")');
  out.models = await visit(page, t, 'models', 'Models', 'caption:text("Model groups")');
  await page.getByRole('button', { name: 'Send a test call to priced' }).first().click();
  out.modelTest = await page.getByRole('status').filter({ hasText: /OK in|Failed/ }).first().innerText();
  out.alerts = await visit(page, t, 'alerts', 'Alerts', 'h1:text("Alerts")');
  out.alertsText = await page.locator('main').innerText();

  // Signed in as the virtual key, in a fresh tab session: its own usage and calls, nothing else.
  const keyContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const keyPage = await keyContext.newPage();
  const kt = track(keyPage);
  out.me = await visit(keyPage, kt, 'virtual-key-usage', () => signIn(keyPage, secret), '[role="meter"]');
  out.meBudget = await keyPage.getByRole('meter').getAttribute('aria-valuetext');
  out.meNav = await keyPage.getByRole('navigation', { name: 'Pages' }).getByRole('link').allInnerTexts();
  out.meLogs = await visit(keyPage, kt, 'virtual-key-logs', 'My calls', 'caption:text("Spend logs")');
  out.meLogRows = await keyPage.locator('table:has(caption:text("Spend logs")) tbody tr').allInnerTexts();
  out.keyStorage = await keyPage.evaluate(() => ({ session: Object.keys(sessionStorage), local: localStorage.length, cookie: document.cookie }));
  out.keyInUrls = kt.urls.filter((u) => u.includes(secret)).length;
  await keyContext.close();

  // Block the key from its page; its next call is refused.
  await visit(page, t, 'keys-block', 'Keys', 'a:text("ui-key")');
  await page.getByRole('link', { name: 'ui-key' }).click();
  await page.getByRole('button', { name: 'Block key' }).click();
  await page.getByRole('button', { name: 'Unblock key' }).waitFor();
  await page.screenshot({ path: path.join(shots, 'key-blocked.png'), fullPage: true });
  try {
    await chat(secret, 1);
    out.blockedCall = 'answered';
  } catch (e) {
    out.blockedCall = { status: e.status, message: e.message };
  }
  // Edit the key's budget, then delete it (after the confirmation dialog).
  await page.getByRole('button', { name: 'Edit limits' }).click();
  await page.getByLabel('Max budget (USD)').fill('2');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.locator('[role="meter"][aria-valuemax="2"]').waitFor();
  out.editedBudget = await page.getByRole('meter').getAttribute('aria-valuetext');
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.screenshot({ path: path.join(shots, 'key-delete-confirm.png') });
  await page.getByRole('button', { name: 'Delete key' }).click();
  await page.locator('caption:text("Keys (0)")').waitFor();
  out.keysAfterDelete = await page.locator('caption').first().innerText();
  out.masterInUrls = t.urls.filter((u) => u.includes(master)).length;
  out.secretInUrls = t.urls.filter((u) => u.includes(secret)).length; // the log filter sends a pasted key as its token
  out.errors = errors;
  await context.close();
  return out;
}

async function large(browser) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 800 } });
  const page = await context.newPage();
  const t = track(page);
  const pages = [];
  const chart = 'css=[data-testid="spend-chart"] canvas';
  const fullLog = 'css=table tbody tr:nth-child(50)';
  pages.push(await visit(page, t, 'large-sign-in', () => signIn(page, master), chart, false));
  pages.push(await visit(page, t, 'large-logs', 'Logs', fullLog));
  pages.push(await visit(page, t, 'large-overview', 'Overview', chart));
  await visit(page, t, 'large-logs-again', 'Logs', fullLog, false);
  pages.push(await visit(page, t, 'large-logs-page2', () => page.getByRole('button', { name: 'Older' }).click(), 'text=Page 2', false));
  // Both again from a cold load of the whole page (script, stylesheet, sign-in state from sessionStorage).
  pages.push(await visit(page, t, 'large-logs-reload', () => page.reload(), fullLog, false));
  await page.goto(`${base}/ui/#/overview`);
  pages.push(await visit(page, t, 'large-overview-reload', () => page.reload(), chart, false));
  for (const [name, link, ready] of [
    ['large-keys', 'Keys', 'caption:text("Keys (")'], ['large-teams', 'Teams', 'caption:text("Teams (")'],
    ['large-users', 'Users', 'caption:text("Users (")'], ['large-customers', 'End users', 'caption:text("End users (")'],
    ['large-models', 'Models', 'caption:text("Model groups")'], ['large-alerts', 'Alerts', 'h1:text("Alerts")'],
  ]) pages.push(await visit(page, t, name, link, ready, false)); // the flow keeps these pages' screenshots
  await context.close();
  return { pages };
}

(async () => {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
  try {
    const result = process.env.CONSOLE_MODE === 'large' ? await large(browser) : await flow(browser);
    process.stdout.write(JSON.stringify(result) + '\n');
  } finally {
    await browser.close();
  }
})().catch((e) => { console.error(e && e.stack ? e.stack : String(e)); process.exit(1); });
