// Each party's pages in a real browser, with and without JavaScript; axe-core reports no WCAG 2.2 AA violation on
// any page; screenshots go to build/web-artifacts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoServerAndBrowser, stopAll, checkAccessible,
  signIn, screenshot, fitsPhone, errorLinksResolve, assertInWords, api,
  missingCount, plural,
} from './support.mjs';

let server;
let browser;

before(async () => ({ server, browser } = await demoServerAndBrowser()));
after(() => stopAll({ server, browser }));

// Pages visited without JavaScript (axe needs it): the same checks but axe.
async function checkNoJs(page, name) {
  await screenshot(page, name);
  await errorLinksResolve(page, name);
  await fitsPhone(page, name);
}

const main = async (page) => (await page.textContent('main')).replace(/\s+/g, ' ');



test('signing in, with a clear error for a wrong password', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.url}/`);
  assert.match(page.url(), /\/sign-in\?next=/, 'signed-out visitors are sent to sign in');
  await checkAccessible(page, 'sign-in');
  await page.fill('#email', 'alex.morgan@lakeside.example');
  await page.fill('#password', 'not the password');
  await page.click('button[type=submit]');
  await page.waitForSelector('.nhsuk-error-summary');
  assert.match(await page.textContent('.nhsuk-error-summary'), /email address or password is not right/);
  assert.match(await page.title(), /^Error: /);
  await checkAccessible(page, 'sign-in-error');
  await page.close();
});

test('the trust sees what is waiting, opens the TOM and answers its part', async () => {
  const page = await browser.newPage();
  await signIn(page, server.url, 'alex.morgan@lakeside.example');
  await page.waitForSelector('h1:has-text("Your assessments")');
  // The e-RS TOM is with the trust now: it waits for the trust's own answers, as many as the API says.
  const waiting = page.locator('table[aria-labelledby="waiting-for-you"] tr[data-assessment="3"]');
  const own = await missingCount(page, server.url, 3, 'end-user');
  assert.match(await waiting.textContent(), new RegExp(`Answer ${plural(own)}`));
  await checkAccessible(page, 'home-trust');
  await page.click('text=Riverside Referral Hub');
  await page.waitForSelector('h2:has-text("Go-live")');
  const overview = await main(page);
  assert.match(overview, /Go-live is not open yet/);
  // The computed results, by name, with the values the API computes.
  const check = await api(page, server.url, '/api/v1/assessments/3/check');
  for (const label of ['Overall IG result', 'Clinical safety sign-off level']) {
    const result = check.results.find((r) => r.description.startsWith(label));
    const row = await page.locator('#results .nhsuk-summary-list__row', { hasText: label }).textContent();
    assert.match(row, new RegExp(result.value === null ? 'Not known yet' : `\\b${result.value}\\b`), `${label}: ${row}`);
  }
  const progress = check.sections.find((s) => s.section === 'end-user-organisation');
  assert.match(await page.locator('#tasks li[data-section="end-user-organisation"]').textContent(),
    new RegExp(`${progress.answered} of ${progress.required} answered`));
  assert.equal(await page.locator('nav.nhsuk-breadcrumb a.nhsuk-breadcrumb__link', { hasText: 'Your assessments' }).count(), 1);
  assertInWords(overview, 'assessment-overview');
  await checkAccessible(page, 'assessment-overview');
  await page.click('a:has-text("End user organisation")');
  await page.waitForSelector('form[data-warn-unsaved]');
  assert.match(await page.textContent('#section-progress'),
    new RegExp(`${progress.answered} of ${progress.required} required items answered`));
  await checkAccessible(page, 'section-end-user-organisation');
  const first = page.locator('.tom-item input.nhsuk-input').first();
  const id = (await first.getAttribute('id')).replace('value-', '');
  await first.fill('Lakeside NHS Foundation Trust (answered in the browser)');
  await page.click('button:has-text("Save answers")');
  await page.waitForLoadState();
  assert.equal(await page.locator(`#value-${id}`).inputValue(), 'Lakeside NHS Foundation Trust (answered in the browser)');
  assert.match(await page.textContent('.nhsuk-notification-banner--success'), /Your answer was saved\./);
  const after = (await api(page, server.url, '/api/v1/assessments/3/check')).sections
    .find((s) => s.section === 'end-user-organisation');
  assert.match(await page.textContent('#section-progress'),
    new RegExp(`${after.answered} of ${after.required} required items answered`));
  await checkAccessible(page, 'section-saved');
  await page.goto(`${server.url}/assessments/3/history`);
  // What changed, in words: who by name, when as a date, the new answer; no record, key or email.
  const newest = await page.locator('tbody tr').first().textContent();
  assert.match(newest, new RegExp(`Answered ${id}`));
  assert.match(newest, /Alex Morgan/);
  assert.match(newest, /\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4} at \d\d:\d\d/);
  assert.match(newest, /Lakeside NHS Foundation Trust \(answered in the browser\)/);
  const history = await main(page);
  assertInWords(history, 'history');
  assert.doesNotMatch(history, /@lakeside\.example|answer\.save/);
  await checkAccessible(page, 'history');
  await page.close();
});

test('the main journey works with JavaScript turned off', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signIn(page, server.url, 'alex.morgan@lakeside.example');
  await page.waitForSelector('h1:has-text("Your assessments")');
  await page.click('text=Riverside Referral Hub');
  await page.click('a:has-text("Clinical safety")');
  const radio = page.locator('.nhsuk-radios__input').first();
  const name = await radio.getAttribute('name');
  await radio.check();
  await page.click('button:has-text("Save answers")');
  await page.waitForLoadState();
  assert.ok(await page.locator(`input[name="${name}"]`).first().isChecked(), 'the choice was saved');
  assert.match(await page.textContent('.nhsuk-notification-banner--success'), /Your answer was saved\./);
  await checkNoJs(page, 'section-no-js');
  await context.close();
});

test('a conflicting edit shows both answers and lets the person choose', async () => {
  const a = await browser.newContext();
  const b = await browser.newContext();
  const pa = await a.newPage();
  const pb = await b.newPage();
  await signIn(pa, server.url, 'alex.morgan@lakeside.example');
  await signIn(pb, server.url, 'jo.patel@lakeside.example');
  const section = `${server.url}/assessments/3/sections/end-user-organisation`;
  await pa.goto(section);
  await pb.goto(section);
  const field = pa.locator('.tom-item input.nhsuk-input').nth(1);
  const id = (await field.getAttribute('id')).replace('value-', '');
  await field.fill('First writer');
  await pa.click('button:has-text("Save answers")');
  await pa.waitForLoadState();
  await pb.locator(`#value-${id}`).fill('Second writer');
  await pb.click('button:has-text("Save answers")');
  await pb.waitForSelector('.nhsuk-error-summary');
  const text = await pb.textContent(`#item-${id}`);
  assert.match(text, /Changed by someone else/);
  assert.match(text, /Alex Morgan saved "First writer"/);
  assert.match(text, /Second writer/);
  await checkAccessible(pb, 'section-conflict');
  await a.close();
  await b.close();
});

test('a supplier cannot edit the trust\'s items and a foreign TOM is not found', async () => {
  const page = await browser.newPage();
  await signIn(page, server.url, 'lee.chen@riverside.example');
  await page.goto(`${server.url}/assessments/3/sections/end-user-organisation`);
  assert.equal(await page.locator('.tom-item input').count(), 0, 'no answer controls for another party\'s items');
  await page.close();
  const outsider = await browser.newPage();
  await signIn(outsider, server.url, 'robin.hale@hillside.example');
  const response = await outsider.goto(`${server.url}/assessments/3`);
  assert.equal(response.status(), 404);
  await checkAccessible(outsider, 'not-found');
  await outsider.close();
});

test('the TOM is handed along its chain, submitted and approved through pages only', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  // The provider supplier hands the practice's TOM (assessment 2) to the client supplier.
  await signIn(page, server.url, 'kim.ng@northbridge.example');
  await page.goto(`${server.url}/assessments/2/handoff`);
  assert.match(await main(page), /The TOM has not been handed on yet/);
  await checkNoJs(page, 'handoff-no-js');
  await page.check('#to-smsc');
  await page.fill('#note', 'Provider part done');
  await page.click('button:has-text("Hand it on")');
  await page.waitForURL(/\/assessments\/2$/);
  assert.match(await page.textContent('main'), /Spine Mini Services client supplier\s+holds it now/);
  // Submitting the handoff without a choice is an error in the error summary, linked to the field.
  await page.goto(`${server.url}/assessments/2/handoff`);
  assert.equal(await page.locator('input[name=to]').count(), 0, 'kim no longer holds it: nothing to hand on');
  await context.clearCookies();
  // The client supplier finds it waiting and hands it to the practice.
  await signIn(page, server.url, 'lee.chen@riverside.example');
  await page.waitForSelector('h1:has-text("Your assessments")');
  const waiting = await page.locator('table').first().textContent();
  assert.match(waiting, /PDS lookups at Hillside Surgery/);
  await page.goto(`${server.url}/assessments/2/handoff`);
  const chain = await page.textContent('main');
  assert.match(chain, /Spine Mini Services provider supplier \(SMSP\) to Spine Mini Services client supplier by Kim Ng \("Provider part done"\)/);
  assert.doesNotMatch(chain, /has not been handed on yet/);
  await page.click('button:has-text("Hand it on")');
  await page.waitForSelector('.nhsuk-error-summary');
  assert.match(await page.textContent('.nhsuk-error-summary'), /Choose who should hold the TOM next/);
  await checkNoJs(page, 'handoff-error-no-js');
  await page.check('#to-end-user');
  await page.click('button:has-text("Hand it on")');
  await page.waitForURL(/\/assessments\/2$/);
  await context.clearCookies();
  // The practice submits phase 2; its approver may not decide what he submitted himself, and an incomplete
  // phase is approved only with a recorded reason.
  await signIn(page, server.url, 'robin.hale@hillside.example');
  await page.goto(`${server.url}/assessments/2/approvals`);
  // A phase still open says who will decide it, not that it was approved.
  assert.doesNotMatch(await page.textContent('#phase-2'), /Approved by/);
  await checkNoJs(page, 'approvals-no-js');
  await page.click('button:has-text("Submit phase 2 for approval")');
  await page.waitForURL(/approvals$/);
  assert.match(await page.textContent('main'), /Phase 2: Full evaluation submitted/);
  await page.check('#decision-2-a');
  await page.fill('#outcome-2', 'Approved by the practice owner');
  await page.click('form:has(#decision-2-a) button:has-text("Record the decision")');
  await page.waitForSelector('.nhsuk-error-summary');
  assert.match(await page.textContent('.nhsuk-error-summary'), /you submitted phase 2/i);
  assert.match(await page.textContent('main'), /Phase 2: Full evaluation submitted/);
  assert.doesNotMatch(await page.textContent('#phase-2'), /Approved by Robin Hale/);
  await checkNoJs(page, 'approvals-own-submission-no-js');
  await context.close();
});

test('the SIRO accepts a finding, named and with an expiry, in the findings register', async () => {
  const page = await browser.newPage();
  await signIn(page, server.url, 'sam.okafor@lakeside.example');
  await page.goto(`${server.url}/assessments/3/findings`);
  const register = await api(page, server.url, '/api/v1/assessments/3/findings?limit=200');
  const rows = register.items;
  assert.equal(register.total, rows.length);
  const open = rows.filter((f) => f.status === 'open' || f.status === 'lapsed').length;
  const text0 = await main(page);
  assert.doesNotMatch(text0, /There are no findings/);
  assert.match(text0, new RegExp(`${open} open, ${rows.length - open} accepted or resolved`));
  assert.equal(await page.locator('.nhsuk-card').count(), rows.length);
  // The status links show one status's findings, and the counts stay those of the whole register.
  const onlyOpen = rows.filter((f) => f.status === 'open').length;
  await page.getByRole('navigation', { name: 'Findings by status' }).getByRole('link', { name: 'Open' }).click();
  assert.equal(await page.locator('.nhsuk-card').count(), onlyOpen);
  assert.match(await main(page), new RegExp(`${open} open, ${rows.length - open} accepted or resolved`));
  await page.goto(`${server.url}/assessments/3/findings`);
  assertInWords(text0, 'findings');
  await checkAccessible(page, 'findings');
  const card = page.locator('.nhsuk-card', { hasText: 'SIRO' }).first();
  await card.locator('textarea[name=mitigation]').fill('Token-based sign-in reviewed by the IG team');
  await card.locator('input[name=expires_on]').fill('2026-02-30');
  await card.locator('button').click();
  await page.waitForSelector('.nhsuk-error-summary');
  assert.match(await page.textContent('.nhsuk-error-summary'), /real date/);
  await checkAccessible(page, 'findings-error');
  const again = page.locator('.nhsuk-card', { hasText: 'SIRO' }).first();
  await again.locator('input[name=expires_on]').fill('2027-03-31');
  await again.locator('button').click();
  await page.waitForURL(/findings$/);
  const text = await page.textContent('main');
  assert.match(text, /Accepted by Dr Sam Okafor until 31 March 2027/);
  await page.close();
});

test('the hand-off and approvals pages, and their errors, pass axe', async () => {
  const page = await browser.newPage();
  await signIn(page, server.url, 'kim.ng@northbridge.example');
  await page.goto(`${server.url}/assessments/4/handoff`);
  await checkAccessible(page, 'handoff');
  await page.click('button:has-text("Hand it on")');
  await page.waitForSelector('.nhsuk-error-summary');
  await checkAccessible(page, 'handoff-error');
  await page.goto(`${server.url}/assessments/4/approvals`);
  await checkAccessible(page, 'approvals');
  await page.close();
});

test('reuse for another deployment, the diff, the template library and organisations', async () => {
  const page = await browser.newPage();
  await signIn(page, server.url, 'lee.chen@riverside.example');
  await page.goto(`${server.url}/assessments/1`);
  await page.click('a:has-text("Reuse this TOM")');
  await checkAccessible(page, 'derive');
  await page.selectOption('#organisation', { label: 'Hillside Surgery (demo) (Z99001)' });
  await page.fill('#title', 'PDS lookups at Hillside, reused');
  await page.click('button:has-text("Create the new TOM")');
  await page.waitForURL(/\/diff\/\d+$/);
  const other = page.url().match(/\/diff\/(\d+)$/)[1];
  const differs = await api(page, server.url, `/api/v1/assessments/1/diff/${other}`);
  const count = Number(await page.textContent('#diff-count'));
  assert.equal(count, (differs.differences ?? differs.items ?? differs).length);
  assert.equal(await page.locator('tbody tr').count(), count);
  await checkAccessible(page, 'diff');
  await page.goto(`${server.url}/templates`);
  await checkAccessible(page, 'templates');
  await page.selectOption('#a', 'sms-client-tom@0.10.1');
  await page.selectOption('#b', 'sms-provider-tom@1.0.1');
  await page.click('button:has-text("Compare")');
  const summary = (await page.textContent('main')).match(/(\d+) added, (\d+) removed, (\d+) changed/);
  assert.ok(summary, 'the comparison counts what changed');
  // Each list says "None." exactly when its count is 0, and lists as many entries as it counts.
  for (const [i, heading] of [[1, 'Added'], [2, 'Removed'], [3, 'Changed']]) {
    const n = Number(summary[i]);
    const after = page.locator(`h2:has-text("${heading}") + *`);
    if (n === 0) assert.equal(await after.textContent(), 'None.');
    else assert.equal(await after.locator('li').count(), n, heading);
  }
  await checkAccessible(page, 'template-diff');
  await page.goto(`${server.url}/organisations`);
  await checkAccessible(page, 'organisations');
  // Only the central body sees the central audit.
  const denied = await page.goto(`${server.url}/audit`);
  assert.equal(denied.status(), 403);
  await page.close();
});

test('the central reviewer audits every TOM, filters it and downloads CSV', async () => {
  const page = await browser.newPage();
  await signIn(page, server.url, 'priya.shah@nhsdigital.example');
  await page.click('a:has-text("Central audit")');
  await page.waitForSelector('h1:has-text("Central audit")');
  const rows = await page.locator('tbody tr').count();
  const every = await api(page, server.url, '/api/v1/assessments');
  assert.equal(rows, every.items.length, 'every TOM is listed');
  assert.equal(every.total, rows, 'the API counts every TOM');
  assert.equal(await page.locator('#count-total').textContent(), String(rows), 'the count says how many');
  assert.match(await page.locator('.tom-page-summary').textContent(), new RegExp(`Showing 1 to ${rows} of ${rows}`));
  const chart = await page.locator('.tom-chart__value').allTextContents();
  assert.equal(chart.map(Number).reduce((a, b) => a + b, 0), rows, 'the chart counts every row');
  await checkAccessible(page, 'central-audit');
  await page.selectOption('#rag', 'Red');
  await page.click('button:has-text("Filter")');
  const red = await page.locator('tbody tr').count();
  assert.ok(red < rows, 'the filter narrows the list');
  assert.equal(await page.locator('tbody tr', { hasText: 'Green' }).count(), 0);
  assert.equal(await page.locator('tbody tr', { hasText: 'Amber' }).count(), 0);
  // The chart still counts every TOM matching the other filters; the rows are the red ones.
  assert.equal((await page.locator('.tom-chart__value').allTextContents()).map(Number).reduce((a, b) => a + b, 0), rows);
  // A search by ODS code finds the deploying organisation's TOMs only.
  await page.goto(`${server.url}/audit?q=Z99001`);
  const hillside = await page.locator('tbody tr').allTextContents();
  assert.ok(hillside.length >= 1 && hillside.every((r) => r.includes('Hillside')), 'the ODS code finds Hillside');
  // Pages of two: Next and Previous walk the same rows the single page shows, in the same order.
  await page.goto(`${server.url}/audit`);
  const all = await page.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.assessment));
  await page.goto(`${server.url}/audit?limit=2`);
  const pages = [];
  for (;;) {
    const ids = await page.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.assessment));
    const first = pages.flat().length + 1;
    assert.match(await page.locator('.tom-page-summary').textContent(),
      new RegExp(`Showing ${first} to ${first + ids.length - 1} of ${rows}`), 'the page says which rows it shows');
    pages.push(ids);
    const next = page.locator('a.nhsuk-pagination__link--next');
    if (await next.count() === 0) break;
    await next.click();
  }
  assert.deepEqual(pages.flat(), all, 'the pages hold every row once, in order');
  assert.ok(pages.length >= 2, 'two rows a page make more than one page');
  await page.locator('a.nhsuk-pagination__link--prev').click();
  assert.deepEqual(await page.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.assessment)),
    pages[pages.length - 2], 'Previous goes back one page');
  const csv = await page.request.get(`${server.url}/audit.csv`);
  assert.equal(csv.status(), 200);
  assert.match(csv.headers()['content-type'], /text\/csv/);
  const lines = (await csv.text()).trim().split('\r\n');
  assert.equal(lines[0], 'assessment,product,template,deploying_organisation,percent_complete,open_findings,status,why');
  assert.ok(lines.length - 1 >= rows);
  await page.close();
});

test('home finds an assessment by words and pages a group', async () => {
  const page = await browser.newPage();
  await signIn(page, server.url, 'priya.shah@nhsdigital.example');
  await page.fill('#q', 'hillside');
  await page.click('button:has-text("Search")');
  const found = await page.locator('table[aria-labelledby="results"] tbody tr').allTextContents();
  assert.ok(found.length >= 1, 'the search finds the Hillside TOM');
  assert.ok(found.every((r) => /Hillside/i.test(r)), 'and only TOMs about Hillside');
  assert.match(await page.locator('h2#results').textContent(), /matching/);
  await page.goto(`${server.url}/?q=no-such-product-anywhere`);
  assert.match(await page.locator('main').textContent(), /No assessments match/);
  // One group, one row a page: Next reaches every TOM of the group that the home page counted.
  await page.goto(`${server.url}/`);
  const heading = await page.locator('h2#waiting-for-others').textContent();
  const count = Number((heading.match(/\((\d+)\)/) ?? [0, 0])[1]);
  await page.goto(`${server.url}/?group=others&limit=1`);
  let seen = 0;
  for (;;) {
    seen += await page.locator('tbody tr').count();
    const next = page.locator('a.nhsuk-pagination__link--next');
    if (await next.count() === 0) break;
    await next.click();
  }
  assert.equal(seen, count, 'the group pages through as many TOMs as its heading counts');
  await checkAccessible(page, 'home-group-paged');
  await page.close();
});

test('an administrator imports a real TOM workbook through the upload form', async (t) => {
  const { existsSync } = await import('node:fs');
  const workbook = new URL('../../../shared/tom-templates/ers-api-tom-v1.2.xlsx', import.meta.url).pathname;
  if (!existsSync(workbook)) {
    if (process.env.CI) throw new Error('../shared/tom-templates is missing in CI');
    t.skip('../shared/tom-templates not beside the clone');
    return;
  }
  const page = await browser.newPage();
  await signIn(page, server.url, 'admin@nhsdigital.example');
  await page.goto(`${server.url}/templates`);
  // The CSRF token goes in the form's body, never in its URL.
  const form = page.locator('form[enctype="multipart/form-data"]');
  assert.doesNotMatch(await form.getAttribute('action'), /csrf/i);
  assert.equal(await form.locator('input[name=_csrf]').count(), 1);
  await page.click('button:has-text("Import")');
  await page.waitForSelector('.nhsuk-error-summary');
  await checkAccessible(page, 'templates-upload-error');
  await page.setInputFiles('#workbook', workbook);
  await page.fill('#template-id', 'ers-uploaded');
  await page.fill('#template-version', '1.2');
  await page.click('button:has-text("Import")');
  await page.waitForSelector('text=Imported ers-uploaded@1.2');
  assert.match(await page.textContent('.nhsuk-notification-banner--success'), /Imported ers-uploaded@1\.2/);
  // The rows it says were not mapped are listed, each one.
  const notMapped = Number((await page.textContent('main')).match(/(\d+) rows or sheets could not be mapped/)[1]);
  assert.equal(await page.locator('#not-mapped li').count(), notMapped);
  if (notMapped === 0) assert.match(await page.textContent('main'), /Every row was mapped/);
  await checkAccessible(page, 'templates-imported');
  await page.close();
});

test('an administrator adds a person, who can then sign in', async () => {
  const page = await browser.newPage();
  await signIn(page, server.url, 'admin@nhsdigital.example');
  await page.goto(`${server.url}/organisations`);
  await checkAccessible(page, 'organisations-admin');
  await page.click('button:has-text("Add the person")');
  await page.waitForSelector('.nhsuk-error-summary');
  await checkAccessible(page, 'organisations-user-error');
  await page.fill('#user-email', 'casey.lee@lakeside.example');
  await page.fill('#user-name', 'Casey Lee');
  await page.selectOption('#user-org', { label: 'Lakeside NHS Foundation Trust (demo)' });
  await page.check('#role-editor');
  await page.fill('#user-password', 'a-long-first-password');
  await page.click('button:has-text("Add the person")');
  await page.waitForURL(/\/organisations$/);
  assert.match(await page.textContent('main'), /Casey Lee/);
  const context = await browser.newContext();
  const casey = await context.newPage();
  await casey.goto(`${server.url}/sign-in`);
  await casey.fill('#email', 'casey.lee@lakeside.example');
  await casey.fill('#password', 'a-long-first-password');
  await casey.click('button[type=submit]');
  await casey.waitForSelector('h1:has-text("Your assessments")');
  await context.close();
  await page.close();
});

test('NHS Digital approves phase 1A area by area and phase 1B with a certificate, through pages', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  // Nothing is decided before the trust, which holds the TOM, submits the phases.
  await signIn(page, server.url, 'priya.shah@nhsdigital.example');
  await page.goto(`${server.url}/assessments/3/approvals`);
  await page.check('#decision-1A-a');
  await page.click('form:has(#decision-1A-a) button:has-text("Record the decision")');
  await page.waitForSelector('.nhsuk-error-summary');
  assert.match(await page.textContent('.nhsuk-error-summary'), /not submitted/);
  await context.clearCookies();
  await signIn(page, server.url, 'alex.morgan@lakeside.example');
  await page.goto(`${server.url}/assessments/3/approvals`);
  for (const phase of ['1A', '1B']) {
    await page.click(`button:has-text("Submit phase ${phase} for approval")`);
    await page.waitForURL(/approvals$/);
  }
  await context.clearCookies();
  await signIn(page, server.url, 'priya.shah@nhsdigital.example');
  await page.goto(`${server.url}/assessments/3/approvals`);
  // The trust's part is not finished: approving needs a recorded reason, shown with the decision.
  await page.check('#decision-1A-a');
  await page.selectOption('#area-1A', 'usage');
  await page.click('form:has(#decision-1A-a) button:has-text("Record the decision")');
  await page.waitForSelector('.nhsuk-error-summary');
  assert.match(await page.textContent('.nhsuk-error-summary'), /required items still missing/);
  for (const area of ['usage', 'settings', 'data-user-organisation']) {
    await page.check('#decision-1A-a');
    await page.selectOption('#area-1A', area);
    await page.fill('#override-1A', 'Trust contacts follow at go-live');
    await page.click('form:has(#decision-1A-a) button:has-text("Record the decision")');
    await page.waitForURL(/approvals$/);
  }
  assert.match(await page.textContent('#phase-1A'), /approved although incomplete: Trust contacts follow at go-live/);
  assert.match(await page.textContent('main'), /Phase 1A: Usage and settings approved/);
  // 1B issues a certificate number: approving without one is an error in the error summary.
  await page.check('#decision-1B-a');
  await page.click('form:has(#decision-1B-a) button:has-text("Record the decision")');
  assert.match(await page.textContent('.nhsuk-error-summary'), /certificate number/);
  await page.check('#decision-1B-a');
  await page.fill('#certificate-1B', 'ERS-2026-0007');
  await page.fill('#override-1B', 'Trust contacts follow at go-live');
  await page.click('form:has(#decision-1B-a) button:has-text("Record the decision")');
  await page.waitForURL(/approvals$/);
  const text = await page.textContent('main');
  assert.match(text, /Phase 1B: Technical conformance approved/);
  assert.match(text, /Certificate ERS-2026-0007/);
  assert.match(await page.textContent('#phase-1B'), /Approved by Priya Shah/);
  await checkNoJs(page, 'approvals-central-no-js');
  await context.close();
});

