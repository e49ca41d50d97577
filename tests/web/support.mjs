// Shared by the browser tests: a demo database, the real `tom serve`, Debian's Chromium through playwright-core,
// axe-core checks (WCAG 2.2 AA rule set) and screenshots kept as test artifacts.
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
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
