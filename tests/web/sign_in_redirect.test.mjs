// After signing in, the browser goes only to a plain page of this site: a `next` that a browser would read as
// another site (a tab or newline dropped, "//host", "/\host") or that would split the response's headers
// lands on the home page. Also: the pages work under the Content-Security-Policy (no inline script), with the
// NHS.UK components started from /assets.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoServerAndBrowser, stopAll, password } from './support.mjs';

let server;
let browser;

before(async () => ({ server, browser } = await demoServerAndBrowser()));
after(() => stopAll({ server, browser }));

async function signInWithNext(next) {
  const page = await browser.newPage();
  const refused = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) refused.push(m.text()); });
  await page.goto(`${server.url}/sign-in?next=${encodeURIComponent(next)}`);
  await page.fill('#email', 'alex.morgan@lakeside.example');
  await page.fill('#password', password);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  return { page, refused };
}

for (const next of ['/\t/evil.example', '//evil.example', '/\\evil.example', 'https://evil.example/',
  '/\r\nSet-Cookie: tom_session=planted']) {
  test(`signing in with next=${JSON.stringify(next)} goes home, on this site`, async () => {
    const { page } = await signInWithNext(next);
    const url = new URL(page.url());
    assert.equal(url.origin, server.url, `left the site for ${page.url()}`);
    assert.equal(url.pathname, '/');
    const cookies = await page.context().cookies();
    assert.ok(!cookies.some((c) => c.value === 'planted'), 'a cookie was planted through the redirect');
    await page.close();
  });
}

test('signing in with a plain next goes there, and the page runs its scripts under the policy', async () => {
  const { page, refused } = await signInWithNext('/assessments/3');
  assert.equal(new URL(page.url()).pathname, '/assessments/3');
  // js-enabled.js ran (a file, not an inline script), and nothing was refused by the policy.
  assert.match(await page.getAttribute('body', 'class'), /js-enabled/);
  assert.deepEqual(refused, []);
  const response = await page.goto(`${server.url}/assessments/3`);
  const csp = response.headers()['content-security-policy'];
  assert.match(csp, /script-src 'self';/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(response.headers()['x-frame-options'], 'DENY');
  await page.close();
});
