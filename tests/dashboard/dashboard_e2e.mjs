// End-to-end test of the console in a real browser: Debian's Chromium, headless, driven by
// playwright-core (no browser download), against the real mqbridge binary and a real mosquitto
// remote started here on kernel-chosen ports. It walks the seed guide as a person would: sign in,
// create a connector and press Test (the wrong password's reason, then "connector available"),
// create the sink action, write the guide's rule from the SQL Examples, Try It Out (output, then
// an SQL error with its line and column), publish with mosquitto_pub and watch the counter and
// the chart move, break the remote and see the badge turn disconnected with the reason, and
// delete with confirmation. Every request the page makes must go to mqbridge itself, and no
// page error may occur.
//
// Usage: node dashboard_e2e.mjs <scenario> <path to mqbridge>. Scenarios: walkthrough, session.
// Exit 0 and "OK" on success; the failure, mqbridge's log and a screenshot path otherwise.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../../engine/dashboard/package.json'));
const { chromium } = require('playwright-core');

const [scenario, mqbridge] = process.argv.slice(2);
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const T = 15000;  // every wait is bounded
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mqb-dash-'));
const children = [];

function fail(what) { throw new Error(what); }
// Each step is printed, so a failure says how far the walk got.
function step(what) { console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${what}`); }
const t0 = Date.now();
// MQB_DASHBOARD_SHOTS=<dir> saves a screenshot at the main steps (for looking at the layout).
async function shot(page, name) {
  const dir = process.env.MQB_DASHBOARD_SHOTS;
  if (dir) await page.screenshot({ path: path.join(dir, name + '.png'), fullPage: true });
}
function check(cond, what) { if (!cond) fail(what); }

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

async function waitPort(port, ms = T) {
  const deadline = Date.now() + ms;
  for (;;) {
    const up = await new Promise((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => { c.destroy(); resolve(true); });
      c.on('error', () => resolve(false));
    });
    if (up) return;
    if (Date.now() > deadline) fail(`port ${port} did not open`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function waitFor(pred, what, ms = T) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await pred()) return;
    if (Date.now() > deadline) fail('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function start(cmd, args, name) {
  const log = fs.openSync(path.join(work, name + '.log'), 'a');
  const p = spawn(cmd, args, { stdio: ['ignore', log, log] });
  children.push(p);
  return p;
}

function run(cmd, args, input) {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8', timeout: T });
  check(r.status === 0, `${cmd} ${args.join(' ')} failed: ${r.stderr || r.error || r.signal}`);
  return r.stdout;
}

async function startRemote() {
  const port = await freePort();
  const passwd = path.join(work, 'remote.passwd');
  run('mosquitto_passwd', ['-c', '-b', passwd, 'bridge', 'right-password']);
  const conf = path.join(work, 'remote.conf');
  fs.writeFileSync(conf, `persistence false\nuser root\nlistener ${port} 127.0.0.1\nallow_anonymous false\npassword_file ${passwd}\n`);
  const proc = start('mosquitto', ['-c', conf], 'remote');
  await waitPort(port);
  return { port, proc };
}

async function startBridge(extraApi = '') {
  const port = await freePort();
  const api = await freePort();
  const config = path.join(work, 'bridge.toml');
  fs.writeFileSync(config, `[node]\nname = "mqbridge@127.0.0.1"\ndata_dir = "${path.join(work, 'data')}"\n` +
    `[broker]\nlisteners = [{ bind = "127.0.0.1:${port}" }]\n[api]\nbind = "127.0.0.1:${api}"\n${extraApi}`);
  const pw = path.join(work, 'admin.pw');
  fs.writeFileSync(pw, 'the-admin-password\n');
  run(mqbridge, ['admins', 'add', 'admin', '--password-file', pw, '-c', config]);
  const proc = start(mqbridge, ['run', '-c', config], 'mqbridge');
  await waitPort(api);
  await waitPort(port);
  return { port, api, url: `http://127.0.0.1:${api}/`, proc };
}

// A mosquitto_sub on the remote collecting "topic payload" lines.
function subscribe(remotePort, filter) {
  const lines = [];
  const p = spawn('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(remotePort), '-u', 'bridge', '-P', 'right-password',
                                    '-t', filter, '-q', '1', '-v', '-i', 'e2e-sub'], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(p);
  let buf = '';
  p.stdout.on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) { lines.push(buf.slice(0, i)); buf = buf.slice(i + 1); }
  });
  return lines;
}

async function openConsole(bridge) {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  page.setDefaultTimeout(T);
  const problems = [];
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) problems.push('console error: ' + m.text()); });
  page.on('request', (r) => { if (!r.url().startsWith(bridge.url)) problems.push('request outside mqbridge: ' + r.url()); });
  await page.goto(bridge.url);
  return { browser, page, problems };
}

async function signIn(page, password = 'the-admin-password') {
  await page.fill('#username', 'admin');
  await page.fill('#password', password);
  await page.click('button:has-text("Sign in")');
}

async function walkthrough() {
  const remote = await startRemote();
  const bridge = await startBridge();
  const { browser, page, problems } = await openConsole(bridge);
  try {
    // Sign-in: a wrong password is refused in words, the right one opens the console.
    step('Sign-in');
    await signIn(page, 'not-the-password');
    await page.locator('[role=alert]', { hasText: 'BAD_USERNAME_OR_PWD' }).waitFor();
    await signIn(page);
    await page.locator('nav >> text=Connectors').waitFor();
    await page.locator('text=No connector yet').waitFor();

    // Connector: Test with the wrong password gives the reason; the right one "available".
    step('Connector');
    await page.click('button:has-text("Create")');
    await page.fill('input[name=name]', 'remote');
    await page.fill('input[name=server]', `127.0.0.1:${remote.port}`);
    await page.fill('input[name=username]', 'bridge');
    await page.fill('input[name=password]', 'wrong-password');
    await page.fill('input[name=pool_size]', '2');
    await page.click('button:has-text("Test")');
    const probe = page.locator('#probe-result');
    await probe.waitFor();
    const bad = await probe.textContent();
    check(/Connector unavailable: .*not authorized/.test(bad), 'the probe names the wrong password: ' + bad);
    // A field error from the API lands on its field.
    step('A field error from the API lands on its field');
    await page.fill('input[name=keepalive]', '60');
    await page.click('button:has-text("Create")');
    await page.locator('.field-invalid >> text=expected a duration').waitFor();
    await page.fill('input[name=keepalive]', '60s');
    await page.fill('input[name=password]', 'right-password');
    await page.click('button:has-text("Test")');
    await page.locator('#probe-result', { hasText: 'Connector available.' }).waitFor();
    await page.click('button[type=submit]:has-text("Create")');
    const row = page.locator('tr[data-name=remote]');
    await row.locator('.badge[data-status=connected]').waitFor();
    await row.locator('td.connected-clients', { hasText: '2' }).waitFor();

    // The sink action with the guide's templates (the form's defaults).
    step("The sink action with the guide's templates (the form's defau");
    await page.click('nav >> text=Actions');
    await page.click('button:has-text("Create")');
    await page.fill('input[name=name]', 'to_remote');
    check(await page.inputValue('input[name="parameters.topic"]') === 'pub/${topic}', 'the action form starts with the guide\'s topic');
    await page.click('button[type=submit]:has-text("Create")');
    await page.locator('tr[data-name=to_remote] .badge[data-status=connected]').waitFor();

    // The guide's rule from the SQL Examples, tried out, then an SQL error at its place.
    step("The guide's rule from the SQL Examples, tried out, then an S");
    await page.click('nav >> text=Rules');
    await page.click('button:has-text("Create")');
    await page.click('button:has-text("SQL Examples")');
    await page.click('button[aria-label^="Use example: Guide: forward"]');
    await page.click('button:has-text("Run test")');
    const out = await page.locator('.try-ok #try-output').textContent();
    const parsed = JSON.parse(out);
    await shot(page, 'rule-editor');
    check(parsed.topic === 'temp_hum/emqx' && parsed.payload === '{"temp": "27.5", "hum": "41.8"}', 'Try It Out output: ' + out);
    // Edit the SQL in the editor itself: "SELECT topic, FROM" is an error at line 1, column 15.
    await page.click('.cm-content');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('SELECT topic, FROM "temp_hum/emqx"');
    await page.click('button:has-text("Run test")');
    const err = await page.locator('.try-error #try-output').textContent();
    check(/line 1, column 15/.test(err), 'the SQL error names its line and column: ' + err);
    await page.locator('.field-error', { hasText: 'Line 1, column 15' }).waitFor();
    await page.locator('.cm-lintRange-error').waitFor();
    // A non-matching test message says so.
    step('A non-matching test message says so');
    await page.click('.cm-content');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('SELECT topic, payload FROM "temp_hum/emqx" WHERE payload.temp > 100');
    await page.click('button:has-text("Run test")');
    await page.locator('.try-nomatch').waitFor();
    await page.click('.cm-content');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('SELECT topic, payload FROM "temp_hum/emqx"');
    await page.fill('#rule-id', 'forward');
    await page.click('button:has-text("Add MQTT sink")');
    check(await page.inputValue('.rule-action select') === 'mqtt:to_remote', 'the sink is the action');
    await page.click('button[type=submit]:has-text("Create")');
    const ruleRow = page.locator('tr[data-name=forward]');
    await ruleRow.waitFor();
    check((await ruleRow.textContent()).includes('mqtt:to_remote'), 'the rule lists its action');

    // Traffic: mosquitto_pub on the local broker, the remote subscriber sees pub/temp_hum/emqx.
    step('Traffic');
    const got = subscribe(remote.port, 'pub/#');
    await new Promise((r) => setTimeout(r, 500));
    const publish = (n) => run('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(bridge.port), '-i', 'test_client', '-q', '1',
                                                 '-t', 'temp_hum/emqx', '-m', '{"temp": "27.5", "hum": "41.8"}', '--repeat', String(n),
                                                 '--repeat-delay', '0.02']);
    publish(1);
    await waitFor(() => got.includes('pub/temp_hum/emqx {"temp": "27.5", "hum": "41.8"}'), 'the message at the remote');
    await ruleRow.locator('td.matched', { hasText: /^1$/ }).waitFor();

    // Metrics: the chart of matched/s moves while messages flow.
    step('Metrics');
    await page.click('nav >> text=Metrics');
    await page.locator('tr[data-name=forward] td.matched', { hasText: /^1$/ }).waitFor();
    const chart = page.locator('figure.chart').first();
    await waitFor(async () => Number(await chart.getAttribute('data-points')) >= 2, 'two samples on the chart');
    publish(40);
    await page.locator('tr[data-name=forward] td.matched', { hasText: /^41$/ }).waitFor();
    const label = await chart.locator('[role=img]').getAttribute('aria-label');
    check(/forward: [1-9][0-9.]* msg\/s/.test(label) || /forward: 0\.[1-9]/.test(label), 'the chart shows a rate: ' + label);
    await shot(page, 'metrics');
    await page.locator('.buffer[data-action="to_remote"], .buffer[data-action="mqtt:to_remote"]').first().waitFor();
    await waitFor(() => got.length >= 41, '41 messages at the remote');

    // Reset asks first; cancelling keeps the counters, confirming clears them.
    step('Reset asks first; cancelling keeps the counters, confirming ');
    await page.locator('tr[data-name=forward] button:has-text("Reset")').click();
    await page.locator('dialog.confirm >> text=Cancel').click();
    await page.locator('tr[data-name=forward] td.matched', { hasText: /^41$/ }).waitFor();
    await page.locator('tr[data-name=forward] button:has-text("Reset")').click();
    await page.locator('dialog.confirm button.danger').click();
    await page.locator('tr[data-name=forward] td.matched', { hasText: /^0$/ }).waitFor();

    // Nodes: the node and each object's status on it.
    step('Nodes');
    await page.click('nav >> text=Nodes');
    await page.locator('tr[data-name="mqbridge@127.0.0.1"]').waitFor();
    await page.locator('tr[data-name="connector:remote"] .badge[data-status=connected]').first().waitFor();

    // Break the remote: the badge turns disconnected and says why.
    step('Break the remote');
    remote.proc.kill('SIGKILL');
    await page.click('nav >> text=Connectors');
    const badge = row.locator('.badge[data-status=disconnected], .badge[data-status=connecting]');
    await badge.waitFor({ timeout: 30000 });
    const reason = await badge.getAttribute('title');
    check(reason && reason !== 'disconnected' && reason !== 'connecting', 'the badge gives the reason: ' + reason);
    await shot(page, 'connectors-broken');
    check((await row.locator('.reason').textContent()).length > 0, 'the reason is written beside the badge');

    // Delete with confirmation: Cancel keeps it, Delete removes it; the connector in use is
    // refused with the API's words.
    step('Delete with confirmation');
    await page.click('nav >> text=Connectors');
    await row.locator('button:has-text("Delete")').click();
    await page.locator('dialog.confirm button.danger').click();
    await page.locator('[role=alert]', { hasText: 'still used by action mqtt:to_remote' }).waitFor();
    await page.click('nav >> text=Rules');
    await ruleRow.locator('button:has-text("Delete")').click();
    await page.locator('dialog.confirm >> text=Cancel').click();
    await ruleRow.waitFor();
    await ruleRow.locator('button:has-text("Delete")').click();
    await page.locator('dialog.confirm button.danger').click();
    await page.locator('text=Rule forward deleted.').waitFor();
    check(await ruleRow.count() === 0, 'the rule is gone');
    await page.click('nav >> text=Actions');
    await page.locator('tr[data-name=to_remote] button:has-text("Delete")').click();
    await page.locator('dialog.confirm button.danger').click();
    await page.locator('text=Action to_remote deleted.').waitFor();
    await page.click('nav >> text=Connectors');
    await row.locator('button:has-text("Delete")').click();
    await page.locator('dialog.confirm button.danger').click();
    await page.locator('text=No connector yet').waitFor();

    // Try It Out for a source's rule tests the source's event, not a publish.
    step('Try It Out for a source rule');
    await page.click('nav >> text=Rules');
    await page.click('button:has-text("Create")');
    await page.click('button:has-text("SQL Examples")');
    await page.click('button[aria-label^="Use example: Guide: republish"]');
    await waitFor(async () => await page.inputValue('#try-event') === '$bridges/mqtt:from_remote', 'the source\'s event in Try It Out');
    await page.click('button:has-text("Run test")');
    const bridged = JSON.parse(await page.locator('.try-ok #try-output').textContent());
    check(bridged.topic === 'temp_hum/emqx' && bridged.payload === '{"temp": 55, "hum": 32}' && 'server' in bridged,
          'the source event\'s columns: ' + JSON.stringify(bridged));
    await page.click('button:has-text("Cancel")');

    // The narrow screen gets one column and still works.
    step('The narrow screen gets one column and still works');
    await page.setViewportSize({ width: 390, height: 800 });
    await page.click('nav >> text=Rules');
    await page.click('button:has-text("Create")');
    await page.locator('.cm-content').waitFor();
    await shot(page, 'narrow');

    await page.click('button:has-text("Sign out")');
    await page.locator('#username').waitFor();
    check(problems.length === 0, problems.join('\n'));
  } catch (e) {
    const shot = path.join(work, 'failure.png');
    await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
    e.message += `\nscreenshot: ${shot}`;
    throw e;
  } finally {
    await browser.close();
  }
}

// A token that expires returns the console to sign-in with the reason; a viewer sees no
// buttons that change anything.
async function session() {
  const bridge = await startBridge('token_expiry = "3s"\n');
  run(mqbridge, ['admins', 'add', 'watcher', '--role', 'viewer', '--password-file', path.join(work, 'admin.pw'),
                 '-c', path.join(work, 'bridge.toml')]);
  const { browser, page, problems } = await openConsole(bridge);
  try {
    await signIn(page);
    await page.locator('nav >> text=Connectors').waitFor();
    await page.locator('text=Your session has expired').waitFor({ timeout: 10000 });
    await page.locator('#username').waitFor();
    await page.fill('#username', 'watcher');
    await page.fill('#password', 'the-admin-password');
    await page.click('button:has-text("Sign in")');
    await page.locator('text=watcher (viewer)').waitFor();
    check(await page.locator('button:has-text("Create")').count() === 0, 'a viewer gets no Create button');
    check(problems.length === 0, problems.join('\n'));
  } finally {
    await browser.close();
  }
}

let code = 0;
try {
  check(mqbridge && fs.existsSync(mqbridge), 'usage: dashboard_e2e.mjs <scenario> <mqbridge>');
  check(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: run scripts/bootstrap (it installs Debian's chromium)`);
  if (scenario === 'walkthrough') await walkthrough();
  else if (scenario === 'session') await session();
  else fail('unknown scenario ' + scenario);
  console.log('OK');
} catch (e) {
  console.error('FAIL: ' + e.message);
  for (const f of ['mqbridge.log', 'remote.log']) {
    const p = path.join(work, f);
    if (fs.existsSync(p)) console.error(`--- ${f}\n` + fs.readFileSync(p, 'utf8').slice(-4000));
  }
  code = 1;
} finally {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  if (code === 0) fs.rmSync(work, { recursive: true, force: true });
}
process.exit(code);
