// Issue 9, "what people see": every page shows the values it exists to show (computed results, what waits for
// whom, confirmations, names and dates instead of keys), fits a 390 px phone, passes axe, and never puts a
// person's CSRF token anywhere but their own forms. Expected values come from the JSON API, not from here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoServerAndBrowser, stopAll, checkAccessible, signedIn as signedInAs,
  assertInWords,
  api, missingCount, plural,
} from './support.mjs';

let server;
let browser;

before(async () => ({ server, browser } = await demoServerAndBrowser()));
after(() => stopAll({ server, browser }));

const signedIn = (email) => signedInAs(browser, server.url, email);
const text = async (page, selector = 'main') => (await page.textContent(selector)).replace(/\s+/g, ' ');
const homeRow = (page, group, id) => page.locator(`table[aria-labelledby="${group}"] tr[data-assessment="${id}"]`);

test('NHS Digital sees what waits for it, and a fully approved TOM waits for nobody', async () => {
  const { page, close } = await signedIn('priya.shah@nhsdigital.example');
  const own = await missingCount(page, server.url, 3, 'central');
  assert.ok(own > 0, 'the demo e-RS TOM has NHS Digital items to answer');
  assert.doesNotMatch(await text(page), /Nothing is waiting for your organisation/);
  assert.match(await homeRow(page, 'waiting-for-you', 3).textContent(), new RegExp(`Answer ${plural(own)}`));
  // TOM 1 is approved in every phase: listed as such, and under nobody's waiting list.
  const phases = await api(page, server.url, '/api/v1/assessments/1/phases');
  assert.ok((phases.phases ?? phases).every((p) => p.state === 'approved'), 'TOM 1 is approved in every phase');
  assert.match(await homeRow(page, 'approved', 1).textContent(), /Nothing: every phase is approved/);
  assert.equal(await homeRow(page, 'waiting-for-you', 1).count(), 0);
  assert.equal(await homeRow(page, 'waiting-for-others', 1).count(), 0);
  await checkAccessible(page, 'home-central');
  await close();
  const trust = await signedIn('alex.morgan@lakeside.example');
  assert.equal(await homeRow(trust.page, 'waiting-for-you', 1).count(), 0, 'the approved TOM does not wait for the trust');
  assert.equal(await homeRow(trust.page, 'approved', 1).count(), 1);
  await trust.close();
});

test('a holder with nothing to fill is told to hand it on; a submitted phase waits for its approver', async () => {
  const kim = await signedIn('kim.ng@northbridge.example');
  assert.equal(await missingCount(kim.page, server.url, 2, 'smsp'), 0, 'the provider has nothing to fill in TOM 2');
  const row = homeRow(kim.page, 'waiting-for-you', 2);
  assert.match(await row.textContent(), /Hand it on to Spine Mini Services client supplier/);
  await row.locator('a:has-text("Hand it on")').click();
  await kim.page.waitForURL(/\/assessments\/2\/handoff$/);
  await checkAccessible(kim.page, 'handoff-from-home');
  await kim.close();

  // The trust submits phase 2 of the e-RS TOM; its approver (another person) then has a decision waiting.
  const alex = await signedIn('alex.morgan@lakeside.example');
  await alex.page.goto(`${server.url}/assessments/3/approvals`);
  await alex.page.click('button:has-text("Submit phase 2 for approval")');
  await alex.page.waitForURL(/approvals$/);
  assert.match(await text(alex.page, '#phase-2'), /Submitted by Alex Morgan on \d{1,2} \w+ \d{4} at \d\d:\d\d\./);
  assert.doesNotMatch(await text(alex.page, '#phase-2'), /Approved by/);
  await alex.close();
  const sam = await signedIn('sam.okafor@lakeside.example');
  const waiting = await homeRow(sam.page, 'waiting-for-you', 3).textContent();
  assert.match(waiting, /Decide phase 2 \(Full evaluation\)/);
  await sam.page.goto(`${server.url}/assessments/3`);
  assert.match(await text(sam.page, '#next-steps'), /Your organisation Decide phase 2 \(Full evaluation\)/);
  await sam.close();
  // NHS Digital sees the decision as the trust's, not as its own to take.
  const priya = await signedIn('priya.shah@nhsdigital.example');
  const central = homeRow(priya.page, 'waiting-for-you', 3);
  assert.match(await central.textContent(), /Decide phase 2 \(Full evaluation\) \(waiting for Lakeside NHS Foundation Trust \(demo\)\)/);
  assert.equal(await central.locator('a', { hasText: 'Decide phase 2' }).count(), 0);
  await priya.close();
});

test('the results a TOM computes show by name on its overview and on the sections they come from', async () => {
  const { page, close } = await signedIn('alex.morgan@lakeside.example');
  const check = await api(page, server.url, '/api/v1/assessments/3/check');
  const tmpl = await api(page, server.url, '/api/v1/templates/ers-api-tom');
  const shown = (r) => (r.value === null ? 'Not known yet' : r.value);
  const ig = check.results.find((r) => r.description.startsWith('Overall IG result'));
  const cs = check.results.find((r) => r.description.startsWith('Clinical safety sign-off level'));
  assert.ok(ig && cs, 'the e-RS template derives the IG result and the clinical-safety sign-off level');
  await page.goto(`${server.url}/assessments/3`);
  assert.equal(await text(page, '#results .nhsuk-summary-list__row:has-text("Overall IG result") strong'), shown(ig));
  assert.equal(await text(page, '#results .nhsuk-summary-list__row:has-text("Clinical safety sign-off level") strong'), shown(cs));
  // Every derived value is there, with its value.
  assert.equal(await page.locator('.tom-results .nhsuk-summary-list__row').count(), check.results.length);
  assertInWords(await text(page), 'overview');
  for (const [section, label, result] of [['ig-security', 'Overall IG result', ig], ['clinical-safety', 'Clinical safety sign-off level', cs]]) {
    assert.ok(tmpl.sections.some((s) => s.id === section), section);
    await page.goto(`${server.url}/assessments/3/sections/${section}`);
    const row = page.locator('#results .nhsuk-summary-list__row', { hasText: label });
    assert.equal(await text(page, `#results .nhsuk-summary-list__row:has-text("${label}") strong`), shown(result));
    assert.equal(await row.count(), 1);
    assertInWords(await text(page), section);
    await checkAccessible(page, `section-results-${section}`);
  }
  // Rule results on items name what they read, not their keys.
  await page.goto(`${server.url}/assessments/3/sections/ig-security`);
  const results = await page.locator('.tom-result').allTextContents();
  assert.ok(results.length > 0, 'the IG section raises a rule result');
  for (const r of results) assert.match(r, /Because [A-Z]+-\d+ is /);
  await close();
});

test('a section with nothing to answer says so, and saving says what was saved', async () => {
  const { page, close } = await signedIn('alex.morgan@lakeside.example');
  const check = await api(page, server.url, '/api/v1/assessments/1/check');
  const empty = check.sections.find((s) => s.required === 0 && s.section !== 'cover');
  assert.ok(empty, 'TOM 1 has a section with nothing to answer');
  await page.goto(`${server.url}/assessments/1`);
  assert.match(await page.locator(`#tasks li[data-section="${empty.section}"]`).textContent(), /Nothing to answer/);
  assertInWords(await text(page), 'overview-1');
  await page.goto(`${server.url}/assessments/1/sections/${empty.section}`);
  assert.match(await text(page, '#section-progress'), /Nothing to answer in this section\./);
  // Saving without a change says nothing needed saving; a change says how many answers were saved.
  await page.goto(`${server.url}/assessments/3/sections/end-user-organisation`);
  await page.click('button:has-text("Save answers")');
  await page.waitForURL(/saved=0$/);
  assert.match(await text(page, '.nhsuk-notification-banner--success'), /Nothing was changed/);
  const inputs = page.locator('.tom-item input.nhsuk-input');
  await inputs.nth(0).fill('First of two');
  await inputs.nth(1).fill('Second of two');
  await page.click('button:has-text("Save answers")');
  await page.waitForURL(/saved=2$/);
  assert.match(await text(page, '.nhsuk-notification-banner--success'), /Your 2 answers were saved\./);
  await checkAccessible(page, 'section-saved-two');
  await close();
});

test('a stored @@tom-csrf@@ is shown as itself, never as the viewer\'s token', async () => {
  const alex = await signedIn('alex.morgan@lakeside.example');
  const section = `${server.url}/assessments/3/sections/end-user-organisation`;
  await alex.page.goto(section);
  const field = alex.page.locator('.tom-item input.nhsuk-input').nth(2);
  const id = (await field.getAttribute('id')).replace('value-', '');
  await field.fill('@@tom-csrf@@');
  await alex.page.click('button:has-text("Save answers")');
  await alex.page.waitForURL(/saved=1$/);
  await alex.close();
  for (const email of ['jo.patel@lakeside.example', 'lee.chen@riverside.example']) {
    const { page, close } = await signedIn(email);
    for (const visit of ['first view', 'second view (the cached body)']) {
      await page.goto(section);
      const token = await page.locator('input[name=_csrf]').first().inputValue();
      assert.notEqual(token, '@@tom-csrf@@');
      const item = page.locator(`#item-${id}`);
      if (await page.locator(`#value-${id}`).count())
        assert.equal(await page.locator(`#value-${id}`).inputValue(), '@@tom-csrf@@', `${email}, ${visit}`);
      else assert.match(await item.textContent(), /Answer: @@tom-csrf@@/, `${email}, ${visit}`);
      // The token is in the page's forms (the section form and sign-out) and nowhere else.
      const html = await page.content();
      const forms = await page.locator('input[name=_csrf]').count();
      assert.equal(html.split(token).length - 1, forms, `${email}, ${visit}: the token appears outside its forms`);
    }
    await close();
  }
});

test('the upload form keeps its CSRF token out of the URL and the error summaries lead to their fields', async () => {
  const admin = await signedIn('admin@nhsdigital.example');
  await admin.page.goto(`${server.url}/templates`);
  const form = admin.page.locator('form[enctype="multipart/form-data"]');
  assert.equal(await form.getAttribute('action'), '/templates');
  await admin.page.click('button:has-text("Import")');
  // The token in the body was accepted: the form's own error, not "This form has expired".
  await admin.page.waitForSelector('.nhsuk-error-summary');
  assert.match(await text(admin.page, '.nhsuk-error-summary'), /Choose a workbook/);
  await checkAccessible(admin.page, 'templates-upload-error-body-token');
  // As an attacker would: a token only in the URL, or a wrong one in the body, is refused.
  const token = await form.locator('input[name=_csrf]').inputValue();
  const upload = (query, fields) => admin.page.request.post(`${server.url}/templates${query}`, { multipart: fields });
  const inUrl = await upload(`?_csrf=${token}`, { id: 'x' });
  assert.equal(inUrl.status(), 403, 'a token in the URL does not count');
  assert.match(await inUrl.text(), /This form has expired/);
  assert.equal((await upload('', { _csrf: `${token.slice(0, -1)}x`, id: 'x' })).status(), 403);
  assert.equal((await upload('', { id: 'x' })).status(), 403);
  const right = await upload('', { _csrf: token, id: 'x' });
  assert.equal(right.status(), 400, 'the right token in the body reaches the form (which wants a workbook)');
  assert.match(await right.text(), /Choose a workbook/);
  await admin.close();

  const kim = await signedIn('kim.ng@northbridge.example');
  await kim.page.goto(`${server.url}/assessments/2/handoff`);
  await kim.page.click('button:has-text("Hand it on")');
  await kim.page.waitForSelector('.nhsuk-error-summary');
  assert.equal(await kim.page.locator('.nhsuk-error-summary a').getAttribute('href'), '#to-smsc');
  await checkAccessible(kim.page, 'handoff-error-link');
  await kim.page.check('#to-smsc');
  await kim.page.fill('#note', 'Provider part done');
  await kim.page.click('button:has-text("Hand it on")');
  await kim.page.waitForURL(/\/assessments\/2$/);
  await kim.page.goto(`${server.url}/assessments/2/history`);
  const newest = await text(kim.page, 'tbody tr');
  assert.match(newest, /Kim Ng/);
  assert.match(newest, /Handed the TOM to Spine Mini Services client supplier/);
  assert.match(newest, /From Spine Mini Services provider supplier \(SMSP\)\. Note: Provider part done\./);
  await kim.close();

  const sam = await signedIn('sam.okafor@lakeside.example');
  await sam.page.goto(`${server.url}/assessments/3/findings`);
  const card = sam.page.locator('.nhsuk-card', { hasText: 'SIRO' }).first();
  const n = (await card.getAttribute('id')).replace('finding-', '');
  await card.locator('textarea[name=mitigation]').fill('Reviewed by the IG team');
  await card.locator('input[name=expires_on]').fill('2026-02-30');
  await card.locator('button').click();
  await sam.page.waitForSelector('.nhsuk-error-summary');
  assert.equal(await sam.page.locator('.nhsuk-error-summary a').getAttribute('href'), `#expires-${n}`);
  assert.equal(await sam.page.locator(`#expires-${n}`).inputValue(), '2026-02-30', 'what was typed is kept');
  assert.match(await sam.page.locator(`#expires-${n}`).getAttribute('class'), /nhsuk-input--error/);
  await checkAccessible(sam.page, 'findings-error-link');
  await sam.close();
});

test('every page fits a 390 px phone, passes axe and says things in words', async () => {
  const visits = {
    'priya.shah@nhsdigital.example': ['/', '/assessments/1', '/assessments/3', '/assessments/4', '/assessments/1/history',
      '/assessments/3/history', '/assessments/3/findings', '/assessments/1/approvals', '/assessments/3/approvals',
      '/audit', '/audit?template=&rag=Red', '/templates', '/organisations',
      '/templates/diff?a=sms-client-tom%400.10.1&b=sms-provider-tom%401.0.1', '/assessments/1/diff/2'],
    'alex.morgan@lakeside.example': ['/', '/assessments/3/handoff', '/assessments/1/findings'],
    'lee.chen@riverside.example': ['/', '/assessments/1/derive', '/assessments/2/handoff'],
  };
  const { page, close } = await signedIn('alex.morgan@lakeside.example');
  const tmpl = await api(page, server.url, '/api/v1/templates/ers-api-tom');
  visits['alex.morgan@lakeside.example'].push(...tmpl.sections.map((s) => `/assessments/3/sections/${s.id}`));
  await close();
  for (const [email, paths] of Object.entries(visits)) {
    const { page: p, close: done } = await signedIn(email);
    for (const path of paths) {
      const response = await p.goto(`${server.url}${path}`);
      assert.equal(response.status(), 200, path);
      const name = `${email.split('@')[0]}${path}`.replace(/[^a-z0-9]+/gi, '-');
      if (!path.includes('/sections/end-user-organisation')) assertInWords(await text(p), path);
      await checkAccessible(p, `every-${name}`);
    }
    await done();
  }
});
