// Live Q&A in Chromium: an attendee asks on a pre-moderated session; a moderator approves the
// question and highlights it; the attendee's page and the projector update without a reload
// (the script follows the room's socket). axe-core (WCAG 2.2 AA rules) must find no serious or
// critical violation on the pages, phone-sized for the attendee.
// Usage: node live.mjs BASE_URL QA_PATH ATTENDEE_SESSION MODERATOR_SESSION
import { chromium } from "playwright-core";
import { createRequire } from "node:module";
import assert from "node:assert/strict";

const [base, path, attendeeSession, moderatorSession] = process.argv.slice(2);
const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});

// The pages forbid inline scripts; axe is injected as one, hence bypassCSP.
async function person(who, session, viewport) {
  const context = await browser.newContext({ viewport, bypassCSP: true });
  if (session) {
    const url = new URL(base);
    await context.addCookies([{ name: "hallway_session", value: session, domain: url.hostname, path: "/" }]);
  }
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => m.type() === "error" && errors.push(`${who}: ${m.text()}`));
  page.on("pageerror", (e) => errors.push(`${who}: ${e.message}`));
  return { who, page, errors };
}

async function axe(p, name) {
  await p.page.addScriptTag({ path: axePath });
  const violations = await p.page.evaluate(async (values) => {
    const r = await window.axe.run(document, { runOnly: { type: "tag", values }, resultTypes: ["violations"] });
    return r.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.impact} ${v.id} (${v.help}) on ${v.nodes.length} elements, e.g. ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
  }, tags);
  assert.deepEqual(violations, [], `axe on ${name} (${p.who}): ${p.page.url()}`);
}

// Marks the document so that a reload (which would drop the mark) is noticed.
async function mark(p) {
  await p.page.evaluate(() => { window.__notReloaded = true; });
}
async function stillSamePage(p) {
  assert.equal(await p.page.evaluate(() => window.__notReloaded === true), true, `${p.who}'s page reloaded`);
}

try {
  const attendee = await person("attendee", attendeeSession, { width: 360, height: 800 });
  const moderator = await person("moderator", moderatorSession, { width: 1280, height: 900 });
  const screen = await person("projector", null, { width: 1280, height: 720 });
  const question = "Does the <b>scheduler</b> scale?";

  await screen.page.goto(`${base}${path}/projector`);
  await screen.page.locator("#live-questions[data-seq]").waitFor();
  await mark(screen);

  await attendee.page.goto(`${base}${path}`);
  await attendee.page.getByLabel("Your question").fill(question);
  await attendee.page.getByRole("button", { name: "Ask" }).click();
  await attendee.page.getByText("shows once a moderator approves it").waitFor();
  await attendee.page.getByRole("status").filter({ hasText: "Live:" }).waitFor();
  await mark(attendee);
  await axe(attendee, "the Q&A page");

  await moderator.page.goto(`${base}${path}`);
  const item = moderator.page.locator("ol.questions li", { hasText: "scheduler" });
  await item.getByRole("button", { name: "Approve" }).click();
  await moderator.page.getByText("Done.").waitFor();
  await axe(moderator, "the moderator's Q&A page");

  // Approved: on the projector without a reload.
  await screen.page.locator("#live-questions li", { hasText: "Does the <b>scheduler</b> scale?" }).waitFor({ timeout: 15000 });
  await stillSamePage(screen);

  await moderator.page.locator("ol.questions li", { hasText: "scheduler" }).getByRole("button", { name: "Answer now" }).click();
  await moderator.page.getByText("Done.").waitFor();

  // Highlighted: the attendee's page and the projector show it, neither reloaded.
  await attendee.page.locator("#live-questions li.highlighted", { hasText: "Being answered:" }).waitFor({ timeout: 15000 });
  await stillSamePage(attendee);
  await screen.page.locator("#live-questions li.highlighted", { hasText: "scheduler" }).waitFor({ timeout: 15000 });
  await stillSamePage(screen);
  await axe(screen, "the projector");
  await axe(attendee, "the Q&A page, updated");

  const errors = [...attendee.errors, ...moderator.errors, ...screen.errors];
  assert.deepEqual(errors, []);
  console.log("live q&a passed");
} finally {
  await browser.close();
}
