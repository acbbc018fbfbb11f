// Offline and installable, on a phone: the site passes Chromium's own installability check
// (manifest, icons, a service worker that answers fetches); once the schedule has been opened,
// it reads with the network gone, days not opened yet included; a page never opened says it
// is not kept instead of failing blank. Then an attendee's own: their agenda reads offline,
// a bookmark and a note made offline are kept on the device and sent when the network
// returns, each once.
// Usage: node offline.mjs BASE_URL EDITION EMAIL PASSWORD
import { chromium } from "playwright-core";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [base, edition, email, password] = process.argv.slice(2);
// A profile on disk, as a person's browser has: Chromium installs nothing from incognito.
const profile = mkdtempSync(join(tmpdir(), "hallway-offline-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
  viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true,
});
try {
  const page = context.pages()[0] || await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));

  await page.goto(`${base}/${edition}/`);
  // The worker is installed and controls the page (it claims open pages on activation).
  await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller, null, { timeout: 20000 });

  const cdp = await context.newCDPSession(page);
  const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
  assert.deepEqual(installabilityErrors, [], "Chromium finds the site installable");
  const manifest = await cdp.send("Page.getAppManifest");
  assert.deepEqual(manifest.errors, [], "the manifest parses without errors");

  // Open the schedule's index and one day; the worker is asked to keep every day.
  await page.goto(`${base}/${edition}/schedule/`);
  const days = await page.$$eval("a[href]", (as) => [...new Set(as
    .map((a) => new URL(a.href).pathname)
    .filter((p) => /^\/[^/]+\/schedule\/\d{4}-\d{2}-\d{2}\/$/.test(p)))]);
  assert.ok(days.length >= 3, `the schedule links its days: ${days}`);
  await page.goto(`${base}${days[0]}`);
  const firstTitle = await page.locator("h1").innerText();
  // Wait until the worker has kept the last day, which was never opened.
  await page.waitForFunction(async (path) => {
    const names = await caches.keys();
    for (const name of names) {
      const cache = await caches.open(name);
      if (await cache.match(new URL(path, location.origin).href)) return true;
    }
    return false;
  }, days[2], { timeout: 20000, polling: 250 });

  await context.setOffline(true);
  await page.reload();
  assert.equal(await page.locator("h1").innerText(), firstTitle, "an opened day reads offline");
  await page.goto(`${base}${days[2]}`);
  const kept = await page.locator("main").innerText().catch(() => "(no main)");
  assert.ok(await page.locator(".gridwrap a").count() > 0, `a day not opened reads offline: ${kept.slice(0, 300)}`);
  assert.match(await page.locator("h1").innerText(), /\d/, "the kept day is the real page");

  const never = await page.goto(`${base}/${edition}/speakers/?never-opened`);
  assert.equal(never.status(), 503);
  assert.match(await page.locator("h1").innerText(), /offline/i);
  await context.setOffline(false);

  // The attendee signs in and bookmarks a session of the first day, online.
  await page.goto(`${base}/account/login`);
  await page.getByLabel("E-mail address").fill(email);
  await page.getByLabel("Password").fill(password);
  await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Log in" }).click()]);
  const list = `${base}${days[1]}list`;
  await page.goto(list);
  const pressed = (g) => page.waitForFunction((guid) => document.querySelector(`button.bookmark[data-session="${guid}"]`)?.getAttribute("aria-pressed") === "true", g);
  const online = page.locator("li.session button.bookmark").nth(0);
  await online.waitFor();
  const a = await online.getAttribute("data-session");
  await online.click();
  await pressed(a);
  // Its marks page, with the note's form, opened once online.
  await page.goto(`${base}/me/${edition}/sessions/${a}`);
  await page.getByRole("textbox", { name: /^Note/ }).waitFor();
  const agenda = `${base}/me/${edition}/agenda`;
  await page.goto(agenda);
  assert.ok(await page.locator(`.pick a[href*="${a}"]`).count() > 0, "bookmarked online, in the agenda");

  // Offline: the agenda still reads; a bookmark and a note are kept on the device.
  await context.setOffline(true);
  await page.reload();
  assert.ok(await page.locator(`.pick a[href*="${a}"]`).count() > 0, "the agenda reads offline");
  await page.goto(list);
  const offline = page.locator("li.session button.bookmark").nth(5);
  await offline.waitFor();
  const b = await offline.getAttribute("data-session");
  await pressed(a);
  await offline.click();
  await pressed(b);
  await page.waitForFunction(() => /this device/i.test(document.querySelector(".mark-status")?.textContent || ""));
  await page.goto(`${base}/me/${edition}/sessions/${a}`);
  await page.getByRole("textbox", { name: /^Note/ }).fill("Ask about the migration plan.");
  await page.getByRole("button", { name: /save the note/i }).click();
  await page.waitForFunction(() => /this device/i.test(document.querySelector(".mark-status")?.textContent || ""));

  // Back online: both reach the server, once each, without a reload.
  await context.setOffline(false);
  const server = async () => page.evaluate(async (api) => {
    const r = await fetch(api, { cache: "no-store", headers: { Accept: "application/json" } });
    return r.ok ? r.json() : null;
  }, `${base}/api/v1/editions/${edition}/marks`);
  let marks = null;
  for (let i = 0; i < 100; i++) {
    marks = await server();
    const mine = (g) => marks && marks.find((m) => m.session === g);
    if (mine(b)?.interested && mine(a)?.note === "Ask about the migration plan.") break;
    await page.waitForTimeout(200);
  }
  const byGuid = Object.fromEntries(marks.map((m) => [m.session, m]));
  assert.equal(byGuid[b]?.interested, true, "the offline bookmark reached the server");
  assert.equal(byGuid[a]?.note, "Ask about the migration plan.", "the offline note reached the server");
  assert.equal(await page.evaluate((e) => localStorage.getItem(`hallway.outbox.${e}`), edition), null, "nothing left to send");

  assert.deepEqual(errors, []);
  console.log("offline passed");
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
