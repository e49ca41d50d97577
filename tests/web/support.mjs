// Shared by the browser tests: a demo database, the real `tom serve`, Debian's Chromium through playwright-core,
// axe-core checks (WCAG 2.2 AA rule set) and screenshots kept as test artifacts.
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
export const tom = process.env.TOM_BINARY || join(root, 'build', 'tom');
export const artifacts = process.env.TOM_WEB_ARTIFACTS || join(root, 'build', 'web-artifacts');
mkdirSync(artifacts, { recursive: true });
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export const password = 'demo-password-2026';

export function demoDatabase() {
  const dir = mkdtempSync(join(tmpdir(), 'tom-web-'));
  const db = join(dir, 'demo.db');
  execFileSync(tom, ['--db', db, 'init', '--demo'], { stdio: 'ignore' });
  return db;
}

// Starts `tom serve` on a free port; resolves to { url, stop }.
export function startServer(db) {
  return new Promise((resolve, reject) => {
    const child = spawn(tom, ['--db', db, 'serve', '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/127\.0\.0\.1:(\d+)/);
      if (m) resolve({ url: `http://127.0.0.1:${m[1]}`, stop: () => new Promise((r) => { child.once('exit', r); child.kill('SIGTERM'); }) });
    });
    child.once('exit', (code) => reject(new Error(`tom serve exited (${code}) before listening: ${out}`)));
  });
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
  });
}

export async function signIn(page, url, email) {
  await page.goto(`${url}/sign-in`);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
}

// Runs axe-core on the page with the WCAG 2.0/2.1/2.2 A and AA rules; returns the violations.
export async function axe(page) {
  // Evaluated through the DevTools protocol: the pages' Content-Security-Policy refuses inline script tags.
  await page.evaluate(axeSource);
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) throw new Error('axe-core needs JavaScript in the page');
  return page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
  });
}

export async function screenshot(page, name) {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

// The width of a small phone: no page may scroll sideways at it (NHS.UK pages stack or scroll their tables inside
// a container instead).
export const phoneWidth = 390;

// Checks the page at phone width: it must not be wider than the screen. Takes a second screenshot, name-390.
export async function fitsPhone(page, name) {
  const before = page.viewportSize() || { width: 1280, height: 720 };
  await page.setViewportSize({ width: phoneWidth, height: 844 });
  const width = await page.evaluate(() => document.scrollingElement.scrollWidth);
  await page.screenshot({ path: join(artifacts, `${name}-${phoneWidth}.png`), fullPage: true });
  await page.setViewportSize(before);
  assert.ok(width <= phoneWidth, `${name}: the page is ${width} px wide on a ${phoneWidth} px phone`);
}

// Every link of an error summary must lead to something on the page (the field to correct).
export async function errorLinksResolve(page, name) {
  const missing = await page.evaluate(() =>
    [...document.querySelectorAll('.nhsuk-error-summary a[href^="#"]')]
      .map((a) => a.getAttribute('href'))
      .filter((href) => !document.getElementById(href.slice(1))));
  assert.deepEqual(missing, [], `${name}: error summary links to nothing`);
}

// What a page says must be words, not the keys and records behind them.
export function assertInWords(text, name) {
  assert.doesNotMatch(text, /\$[a-z][a-z0-9-]+/, `${name}: shows a derived value's key`);
  assert.doesNotMatch(text, /\{(rule|manual):/, `${name}: shows a finding key`);
  assert.doesNotMatch(text, /\d{4}-\d\d-\d\dT\d\d:\d\d/, `${name}: shows an ISO timestamp`);
  assert.doesNotMatch(text, /"(value|custodian|phase|status)"\s*:/, `${name}: shows a raw JSON record`);
  assert.doesNotMatch(text, /\b0 of 0\b/, `${name}: says "0 of 0"`);
}

// Reads the JSON API as the signed-in person (the API accepts the session cookie for reads).
export async function api(page, url, path) {
  const response = await page.request.get(`${url}${path}`);
  assert.equal(response.status(), 200, `GET ${path}`);
  return response.json();
}

// Items a party still has to answer, from the API (the approval gateways are filled by the phase decisions).
export async function missingCount(page, url, id, party) {
  const check = await api(page, url, `/api/v1/assessments/${id}/check`);
  const tmpl = await api(page, url, `/api/v1/templates/${check.template.split('@')[0]}`);
  const gateways = new Set(tmpl.sections.filter((s) => s.kind === 'approval-gateways').map((s) => s.id));
  return check.missing.filter((m) => m.party === party && !gateways.has(m.section)).length;
}

export const plural = (n) => `${n} item${n === 1 ? '' : 's'}`;

// A demo database served by `tom serve`, and Debian's Chromium: what every browser test file starts from.
export async function demoServerAndBrowser() {
  const server = await startServer(demoDatabase());
  const browser = await launchBrowser();
  return { server, browser };
}
export async function stopAll({ server, browser }) {
  await browser?.close();
  await server?.stop();
}

// Every page: no axe-core violation, error summary links that lead somewhere, and no sideways scrolling on a
// 390 px phone (screenshots at 1280 and 390 px).
export async function checkAccessible(page, name) {
  const violations = await axe(page);
  await screenshot(page, name);
  assert.deepEqual(violations, [], `${name}: ${JSON.stringify(violations, null, 2)}`);
  await errorLinksResolve(page, name);
  await fitsPhone(page, name);
}

// A fresh browser context signed in as `email`, on the home page.
export async function signedIn(browser, url, email) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, url, email);
  await page.waitForSelector('h1:has-text("Your assessments")');
  return { page, close: () => context.close() };
}
