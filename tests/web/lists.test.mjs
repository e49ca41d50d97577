// Issue 15: the long lists a page at a time. Each list is walked with Next at a small page size (?limit=), and
// must hold the same rows, in the same order, as the JSON API lists; each page says which rows it shows; Previous
// goes back one page; a search narrows the list to what it names. Expected values come from the API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoServerAndBrowser, stopAll, checkAccessible, signedIn as signedInAs, api } from './support.mjs';

let server;
let browser;

before(async () => ({ server, browser } = await demoServerAndBrowser()));
after(() => stopAll({ server, browser }));

const squash = (s) => s.replace(/\s+/g, ' ').trim();

// Opens `url` and follows Next to the end. `rowsOf(page)` gives a page's rows as strings. Checks each page's
// "Showing X to Y of N" against the rows seen so far and `total`, then Previous from the last page. Returns the
// pages.
async function walk(page, url, rowsOf, total, name) {
  await page.goto(url);
  const pages = [];
  for (;;) {
    const rows = await rowsOf(page);
    const first = pages.flat().length + 1;
    assert.ok(rows.length > 0, `${name}: a page in the middle of the list is never empty`);
    assert.match(squash(await page.locator('.tom-page-summary').textContent()),
      new RegExp(`Showing ${first} to ${first + rows.length - 1} of ${total}`), `${name}: page ${pages.length + 1}`);
    pages.push(rows);
    const next = page.locator('a.nhsuk-pagination__link--next');
    if (await next.count() === 0) break;
    await next.click();
  }
  assert.equal(await page.locator('a.nhsuk-pagination__link--prev').count() > 0, pages.length > 1,
    `${name}: the last page links back exactly when there is more than one`);
  if (pages.length > 1) {
    await page.locator('a.nhsuk-pagination__link--prev').click();
    assert.deepEqual(await rowsOf(page), pages[pages.length - 2], `${name}: Previous goes back one page`);
  }
  return pages;
}

const signedIn = (email) => signedInAs(browser, server.url, email);

const firstCells = (page) => page.locator('main table tbody tr').evaluateAll(
  (trs) => trs.map((tr) => tr.querySelector('td').textContent.replace(/\s+/g, ' ').trim()));

test('organisations page two at a time in name order, and a search finds one by its ODS code', async () => {
  const { page, close } = await signedIn('admin@nhsdigital.example');
  const listed = await api(page, server.url, '/api/v1/organisations?limit=200');
  assert.ok(listed.total >= 3, 'the demo has several organisations');
  const pages = await walk(page, `${server.url}/organisations?limit=2`, firstCells, listed.total, 'organisations');
  assert.deepEqual(pages.flat(), listed.items.map((o) => o.name), 'every organisation once, in the API order');
  assert.ok(pages.every((p) => p.length <= 2), 'no page holds more than it was asked for');

  await page.goto(`${server.url}/organisations?q=Z99001`);
  assert.deepEqual(await firstCells(page), ['Hillside Surgery (demo)'], 'the ODS code finds the practice alone');
  assert.match(squash(await page.locator('.tom-page-summary').textContent()), /Showing 1 to 1 of 1/);
  assert.equal(await page.inputValue('#q'), 'Z99001', 'the search box keeps the words searched');
  await checkAccessible(page, 'organisations-search');
  await page.goto(`${server.url}/organisations?q=no-such-organisation`);
  assert.equal(await page.locator('main table').count(), 0);
  assert.match(squash(await page.textContent('main')), /No organisation|no organisation|No organisations/);
  await close();
});

test('the template library pages one version at a time, and a search finds the client templates', async () => {
  const { page, close } = await signedIn('lee.chen@riverside.example');
  const listed = await api(page, server.url, '/api/v1/templates?limit=200');
  assert.ok(listed.total >= 2, 'the library holds several template versions');
  const rowsOf = (p) => p.locator('main table').first().locator('tbody tr').evaluateAll((trs) => trs.map((tr) => {
    const cells = tr.querySelectorAll('td');
    return `${cells[0].querySelector('span').textContent.trim()}@${cells[1].textContent.trim()}`;
  }));
  const pages = await walk(page, `${server.url}/templates?limit=1`, rowsOf, listed.total, 'templates');
  assert.deepEqual(pages.flat(), listed.items.map((t) => `${t.id}@${t.version}`), 'every version once, in order');

  const clients = await api(page, server.url, '/api/v1/templates?limit=200&q=client');
  assert.ok(clients.total >= 1 && clients.total < listed.total, 'the words narrow the library');
  await page.goto(`${server.url}/templates?q=client`);
  assert.deepEqual(await rowsOf(page), clients.items.map((t) => `${t.id}@${t.version}`));
  await close();
});

test('a TOM\'s history pages newest first, as many changes as the API counts, with the same words each time',
  async () => {
    const { page, close } = await signedIn('alex.morgan@lakeside.example');
    const mine = await api(page, server.url, '/api/v1/assessments?limit=200');
    const id = mine.items[0].id;
    const events = await api(page, server.url, `/api/v1/assessments/${id}/audit?limit=200`);
    assert.ok(events.total > 7, 'the TOM has a history longer than a page of seven');
    const rowsOf = (p) => p.locator('table.tom-history tbody tr').evaluateAll(
      (trs) => trs.map((tr) => tr.textContent.replace(/\s+/g, ' ').trim()));
    const pages = await walk(page, `${server.url}/assessments/${id}/history?limit=7`, rowsOf, events.total, 'history');
    assert.equal(pages.flat().length, events.total, 'every change is on some page');
    // The single long page shows the same rows in the same order.
    await page.goto(`${server.url}/assessments/${id}/history?limit=200`);
    assert.deepEqual(await rowsOf(page), pages.flat(), 'paging neither drops nor repeats a change');
    await checkAccessible(page, 'history-long');
    await close();
  });

test('reusing a TOM offers the NHS organisations a page at a time and finds one by name', async () => {
  const { page, close } = await signedIn('lee.chen@riverside.example');
  const nhs = await api(page, server.url, '/api/v1/organisations?limit=200&type=nhs-trust,gp-practice,icb,other');
  assert.ok(nhs.total >= 2, `the demo has more than one NHS organisation: ${JSON.stringify(nhs)}`);
  const everyone = await api(page, server.url, '/api/v1/organisations?limit=200');
  assert.ok(everyone.total > nhs.total, 'suppliers and the central body are not offered');
  const options = (p) => p.locator('#organisation option').allTextContents();
  const pages = await walk(page, `${server.url}/assessments/1/derive?limit=1`, options, nhs.total, 'derive');
  assert.deepEqual(pages.flat(), nhs.items.map((o) => (o.ods_code ? `${o.name} (${o.ods_code})` : o.name)));

  await page.goto(`${server.url}/assessments/1/derive`);
  await page.fill('#q', 'hillside');
  await page.click('button:has-text("Search")');
  assert.deepEqual(await options(page), ['Hillside Surgery (demo) (Z99001)'], 'the search offers the practice alone');
  await checkAccessible(page, 'derive-search');
  await page.fill('#title', 'Found by search');
  await page.click('button:has-text("Create the new TOM")');
  await page.waitForURL(/\/diff\/\d+$/);
  const created = page.url().match(/\/diff\/(\d+)$/)[1];
  const made = await api(page, server.url, `/api/v1/assessments/${created}`);
  assert.equal(made.title, 'Found by search');

  await page.goto(`${server.url}/assessments/1/derive?q=no-such-organisation`);
  assert.equal(await page.locator('#organisation').count(), 0, 'nothing to choose, so no form to send');
  assert.match(squash(await page.textContent('main')), /No NHS organisation's name or ODS code has those words/);
  await close();
});
