// Issue 10, the task list: the overview shows each section with its status for the viewer's own parties, as
// the API's task list says, and offers the action waiting for them as its main button. Expected values come from
// the JSON API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoServerAndBrowser, stopAll, checkAccessible, signedIn as signedInAs, api } from './support.mjs';

let server;
let browser;

before(async () => ({ server, browser } = await demoServerAndBrowser()));
after(() => stopAll({ server, browser }));

const signedIn = (email) => signedInAs(browser, server.url, email);
const squash = (s) => s.replace(/\s+/g, ' ').trim();

// The task list as the page shows it: section id -> { status, hint }.
async function shownTasks(page) {
  return page.locator('#tasks li').evaluateAll((lis) => Object.fromEntries(lis.map((li) => [li.dataset.section, {
    status: li.querySelector('.nhsuk-task-list__status').textContent.replace(/\s+/g, ' ').trim(),
    tagged: li.querySelector('.nhsuk-task-list__status .nhsuk-tag') !== null,
    hint: li.querySelector('.nhsuk-task-list__hint').textContent.replace(/\s+/g, ' ').trim(),
  }])));
}

async function compareWithApi(page, id, who) {
  await page.goto(`${server.url}/assessments/${id}`);
  const tasks = (await api(page, server.url, `/api/v1/assessments/${id}/tasks`)).items;
  const shown = await shownTasks(page);
  let yours = 0;
  let completed = 0;
  for (const task of tasks) {
    const row = shown[task.section];
    if (!row) continue;  // a cover sheet with nothing to answer is not listed
    assert.equal(row.status, task.status, `${who}, section ${task.section}`);
    assert.equal(row.tagged, task.status === 'Not started' || task.status === 'In progress',
      `${who}, section ${task.section}: only what is left to do is tagged`);
    if (task.status === 'Cannot start yet') {
      assert.match(squash(await page.textContent('#tasks-summary')), /The TOM is with .+ now/, who);
    }
    if (task.required > 0) {
      yours += 1;
      completed += task.status === 'Completed' ? 1 : 0;
    }
  }
  assert.ok(Object.keys(shown).length > 0, `${who}: the overview lists the sections`);
  assert.match(squash(await page.textContent('#tasks-summary')), yours === 0
    ? /nothing to answer/ : new RegExp(`completed ${completed} of ${yours} section`), who);
  return tasks;
}

test('each party sees the task list of one TOM with its own statuses, as the API computes them', async () => {
  const trust = await signedIn('alex.morgan@lakeside.example');
  const mine = await api(trust.page, server.url, '/api/v1/assessments?limit=200');
  const id = mine.items[0].id;
  const trustTasks = await compareWithApi(trust.page, id, 'the trust');
  await checkAccessible(trust.page, 'overview-task-list');

  const supplier = await signedIn('lee.chen@riverside.example');
  const supplierTasks = await compareWithApi(supplier.page, id, 'the client supplier');
  // One TOM, two views: a section the trust answers is not the client supplier's, or the other way round.
  const differs = trustTasks.some((t, i) => t.status !== supplierTasks[i].status);
  assert.ok(differs, 'the two parties see different statuses for some section');
  assert.ok(trustTasks.some((t) => t.status === 'Not yours') || supplierTasks.some((t) => t.status === 'Not yours'));

  // The section's own page agrees with the status the list gave it.
  const open = trustTasks.find((t) => t.status === 'Not started' || t.status === 'In progress');
  if (open) {
    await trust.page.goto(`${server.url}/assessments/${id}/sections/${open.section}`);
    assert.doesNotMatch(squash(await trust.page.textContent('#section-progress')), /Nothing to answer/);
  }
  await trust.close();
  await supplier.close();
});

test('the action waiting for the viewer is the overview\'s main button, and only for whom it waits', async () => {
  // Every TOM that waits for the viewer's organisation offers its first step as the main button.
  for (const email of ['alex.morgan@lakeside.example', 'kim.ng@northbridge.example', 'priya.shah@nhsdigital.example']) {
    const { page, close } = await signedIn(email);
    const list = await api(page, server.url, '/api/v1/assessments?limit=200');
    let buttons = 0;
    for (const a of list.items.slice(0, 6)) {
      await page.goto(`${server.url}/assessments/${a.id}`);
      const mineSteps = await page.locator('#next-steps li:has(.nhsuk-tag--blue) a').allTextContents();
      const button = page.locator('#primary-action');
      if (mineSteps.length === 0) {
        assert.equal(await button.count(), 0, `${email}, TOM ${a.id}: a button for a step that is not theirs`);
      } else {
        assert.equal(squash(await button.textContent()), squash(mineSteps[0]), `${email}, TOM ${a.id}`);
        assert.equal(await button.getAttribute('href'),
          await page.locator('#next-steps li:has(.nhsuk-tag--blue) a').first().getAttribute('href'));
        buttons += 1;
      }
    }
    if (email.startsWith('priya')) assert.ok(buttons > 0, 'NHS Digital has a decision waiting in the demo');
    await close();
  }
});
