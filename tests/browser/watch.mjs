// Recordings and the wrap-up in a real browser: an attendee logs in, plays a recording (a
// small local media file), the page's script keeps the place every few seconds and on pause,
// a reload resumes there, "continue watching" lists it, and the wrap-up downloads from the
// day's review as Markdown and JSON. axe-core (WCAG 2.2 AA rules) must find no serious or
// critical violation on these pages.
// Usage: node watch.mjs BASE_URL EDITION SESSION_GUID TITLE EMAIL PASSWORD DATE
import { chromium } from "playwright-core";
import { createRequire } from "node:module";
import { readFile } from "node:fs/promises";
import assert from "node:assert/strict";

const [base, edition, guid, title, email, password, date] = process.argv.slice(2);
const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
  ],
});

async function axe(page, name) {
  await page.addScriptTag({ path: axePath });
  const violations = await page.evaluate(async (values) => {
    const r = await window.axe.run(document, { runOnly: { type: "tag", values }, resultTypes: ["violations"] });
    return r.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.impact} ${v.id} (${v.help}) on ${v.nodes.length} elements, e.g. ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
  }, tags);
  assert.deepEqual(violations, [], `axe on ${name}: ${page.url()}`);
}

try {
  // A phone's width: the pages must work at 360 px. axe is injected as a script, hence bypassCSP.
  const context = await browser.newContext({
    viewport: { width: 360, height: 800 }, isMobile: true, bypassCSP: true, acceptDownloads: true,
  });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));

  await page.goto(`${base}/account/login`);
  await page.getByLabel("E-mail address").fill(email);
  await page.getByLabel("Password").fill(password);
  await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Log in" }).click()]);

  // The public session page links the recording and the player.
  await page.goto(`${base}/${edition}/sessions/${guid}`);
  await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: "play it where you left off" }).click()]);
  assert.equal(await page.locator("h1").innerText(), title);
  await axe(page, "player");

  // Play: the script keeps the place every few seconds while it plays.
  const video = page.locator("#player");
  await video.evaluate((v) => new Promise((ok) => (v.readyState >= 1 ? ok() : v.addEventListener("loadedmetadata", ok, { once: true }))));
  await video.evaluate((v) => { v.muted = true; return v.play(); });
  await page.waitForFunction(() => /kept at 0:0[4-9]/.test(document.getElementById("saved").textContent), null, { timeout: 15000 });
  // Then a jump and a pause: kept at once.
  await video.evaluate((v) => { v.pause(); v.currentTime = 12.4; });
  await page.waitForFunction(() => /kept at 0:12/.test(document.getElementById("saved").textContent), null, { timeout: 5000 })
    .catch(async () => {
      // Seeking while paused fires no pause event: play and pause again to keep it.
      await video.evaluate((v) => v.play().then(() => { v.currentTime = 12.4; v.pause(); }));
      await page.waitForFunction(() => /kept at 0:12/.test(document.getElementById("saved").textContent), null, { timeout: 5000 });
    });

  // A reload resumes there.
  await page.reload();
  assert.equal(await video.getAttribute("data-position"), "12");
  await video.evaluate((v) => new Promise((ok) => (v.readyState >= 1 ? ok() : v.addEventListener("loadedmetadata", ok, { once: true }))));
  await page.waitForFunction(() => document.getElementById("player").currentTime >= 12, null, { timeout: 5000 });
  assert.match(await page.locator("#saved").innerText(), /You left off at 0:12/);

  // Continue watching lists it, with the place.
  await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: "Continue watching" }).click()]);
  const watching = await page.locator("main").innerText();
  assert.ok(watching.includes(title) && watching.includes("at 0:12"), watching);
  await axe(page, "continue-watching");

  // The day's review, and the wrap-up from it.
  await page.goto(`${base}/me/${edition}/day/${date}`);
  assert.match(await page.locator("h1").innerText(), /My day/);
  assert.ok((await page.locator("main").innerText()).includes("Worth the trip."));
  await axe(page, "my-day");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `horizontal overflow of ${overflow}px at 360 px`);
  const [md] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Markdown" }).first().click()]);
  assert.equal(md.suggestedFilename(), `${edition}-wrap-up.md`);
  const post = await readFile(await md.path(), "utf8");
  assert.match(post, /### Talks I saw/);
  assert.ok(post.includes(`/${edition}/sessions/${guid})`) && post.includes("  > Worth the trip."), post);
  assert.match(post, /\[recording\]\(http:\/\/127\.0\.0\.1:\d+\/talk\.wav\)/);
  const [json] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "JSON" }).first().click()]);
  const data = JSON.parse(await readFile(await json.path(), "utf8"));
  assert.equal(data.days[0].saw[0].guid, guid);

  assert.deepEqual(errors, []);
  console.log("watch flows passed");
} finally {
  await browser.close();
}
