// The attendee's marks and agenda in a real browser: bookmarks from the grid and the day list
// with JavaScript (toggle buttons, no reload), from the list without JavaScript (a form, then
// back to the list), anonymously in the browser then kept after logging in; my agenda with a
// conflict and its alternatives, at 360 px; axe-core (WCAG 2.2 AA) on the pages.
// Usage: node me.mjs BASE_URL EDITION DAY EMAIL_JS EMAIL_NOJS EMAIL_ANON PASSWORD
import { chromium } from "playwright-core";
import { createRequire } from "node:module";
import assert from "node:assert/strict";

const [base, edition, day, withJs, withoutJs, anon, password] = process.argv.slice(2);
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
async function person(who, options) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true, ...options });
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => m.type() === "error" && errors.push(`${who}: ${m.text()}`));
  page.on("pageerror", (e) => errors.push(`${who}: ${e.message}`));
  return { who, page, context, errors };
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

async function logIn(p, email) {
  await p.page.goto(`${base}/account/login`);
  await p.page.getByLabel("E-mail address").fill(email);
  await p.page.getByLabel("Password").fill(password);
  await Promise.all([p.page.waitForNavigation(), p.page.getByRole("button", { name: "Log in" }).click()]);
  assert.match(await p.page.locator("main").innerText(), /Signed in as/);
}

const list = `${base}/${edition}/schedule/${day}/list`;
const grid = `${base}/${edition}/schedule/${day}/`;

// The bookmark button of a session, once the script has replaced the link.
const bookmarkOf = (p, guid) => p.page.locator(`button.bookmark[data-session="${guid}"]`).first();

try {
  // With JavaScript, signed in: one from the grid, one at the same time from the list.
  const js = await person("with JavaScript", {});
  await logIn(js, withJs);
  await js.page.goto(grid);
  const first = js.page.locator(".grid .cell:not(.stack) button.bookmark").first();
  await first.waitFor();
  const a = await first.getAttribute("data-session");
  assert.equal(await first.getAttribute("aria-pressed"), "false");
  const url = js.page.url();
  await first.click();
  await js.page.waitForFunction((g) => document.querySelector(`button.bookmark[data-session="${g}"]`)?.getAttribute("aria-pressed") === "true", a);
  assert.equal(js.page.url(), url, "no reload");

  await js.page.goto(list);
  await bookmarkOf(js, a).waitFor();
  await js.page.waitForFunction((g) => document.querySelector(`button.bookmark[data-session="${g}"]`)?.getAttribute("aria-pressed") === "true", a);
  // Another session of the same start time: a conflict.
  const group = js.page.locator(".timegroup", { has: js.page.locator(`button.bookmark[data-session="${a}"]`) });
  const other = group.locator(`button.bookmark:not([data-session="${a}"])`).first();
  const b = await other.getAttribute("data-session");
  await other.click();
  await js.page.waitForFunction((g) => document.querySelector(`button.bookmark[data-session="${g}"]`)?.getAttribute("aria-pressed") === "true", b);
  await axe(js, "day list with bookmarks");
  // Kept on the server: a fresh page shows both pressed.
  await js.page.reload();
  await js.page.waitForFunction((gs) => gs.every((g) => document.querySelector(`button.bookmark[data-session="${g}"]`)?.getAttribute("aria-pressed") === "true"), [a, b]);

  // The session page has every state; first choice for one of them.
  await js.page.goto(`${base}/${edition}/sessions/${b}`);
  const firstChoice = js.page.getByRole("button", { name: "First choice" });
  await firstChoice.waitFor();
  await firstChoice.click();
  await js.page.waitForFunction(() => [...document.querySelectorAll(".my-marks button")].some((x) => x.textContent.startsWith("First choice") && x.getAttribute("aria-pressed") === "true"));
  await axe(js, "session page with marks");
  await js.page.goto(`${base}/me/${edition}/sessions/${b}`);
  await axe(js, "marks page");

  // My agenda: the conflict, its alternatives, the totals, at 360 px.
  await js.page.setViewportSize({ width: 360, height: 800 });
  await js.page.goto(`${base}/me/${edition}/agenda`);
  const text = await js.page.locator("main").innerText();
  assert.match(text, /Conflict/);
  assert.match(text, /Alternatives/);
  assert.match(text, /Instead of/);
  assert.match(text, /first choice/);
  assert.match(text, /of talks on \w+day/);
  const overflow = await js.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `horizontal overflow of ${overflow}px at 360 px`);
  await axe(js, "my agenda");
  // Shared, with its QR code, read by someone else.
  await Promise.all([js.page.waitForNavigation(), js.page.getByRole("button", { name: "Make a link" }).click()]);
  const link = await js.page.locator(".share .link a").getAttribute("href");
  assert.ok(await js.page.locator(".qr svg[role=img]").isVisible(), "a QR code");
  await axe(js, "my agenda, shared");
  const visitor = await person("a visitor", { viewport: { width: 360, height: 800 } });
  // The link is on the site's public address; the test server answers on another.
  await visitor.page.goto(base + new URL(link).pathname);
  assert.match(await visitor.page.locator("main").innerText(), /A shared agenda[\s\S]*Conflict/);
  await axe(visitor, "a shared agenda");

  // Without JavaScript: the link leads to the form, which goes back to the list.
  const plain = await person("without JavaScript", { javaScriptEnabled: false });
  await logIn(plain, withoutJs);
  await plain.page.goto(list);
  const link2 = plain.page.locator("li.session a.bookmark").first();
  const c = await link2.getAttribute("data-session");
  await Promise.all([plain.page.waitForNavigation(), link2.click()]);
  await Promise.all([plain.page.waitForNavigation(), plain.page.getByRole("button", { name: "Bookmark", exact: true }).click()]);
  assert.equal(plain.page.url(), list, "back to the list");
  await plain.page.goto(`${base}/me/${edition}/sessions/${c}`);
  assert.match(await plain.page.locator("main").innerText(), /Bookmarked\./);
  await plain.page.goto(`${base}/me/${edition}/agenda`);
  assert.ok((await plain.page.locator(`.pick a[href*="${c}"]`).count()) > 0, "in the agenda");

  // Anonymous: kept in the browser, sent once after logging in.
  const guest = await person("anonymous", {});
  await guest.page.goto(list);
  const anonButton = guest.page.locator("li.session button.bookmark").nth(3);
  await anonButton.waitFor();
  const d = await anonButton.getAttribute("data-session");
  await anonButton.click();
  await guest.page.waitForFunction((g) => document.querySelector(`button.bookmark[data-session="${g}"]`)?.getAttribute("aria-pressed") === "true", d);
  await guest.page.reload();
  await guest.page.waitForFunction((g) => document.querySelector(`button.bookmark[data-session="${g}"]`)?.getAttribute("aria-pressed") === "true", d);
  await logIn(guest, anon);
  await guest.page.goto(list);
  await guest.page.waitForFunction(() => localStorage.length === 0 || !Object.keys(localStorage).some((k) => k.startsWith("hallway.marks.")));
  await guest.page.goto(`${base}/me/${edition}/agenda`);
  assert.ok((await guest.page.locator(`.pick a[href*="${d}"]`).count()) > 0, "the browser's bookmark is in the agenda");

  for (const p of [js, visitor, plain, guest]) assert.deepEqual(p.errors, [], `console errors of ${p.who}`);
  console.log("me flows passed");
} finally {
  await browser.close();
}
