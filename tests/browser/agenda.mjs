// The public agenda in a real browser, with JavaScript off, on a phone and on a laptop.
// Usage: node agenda.mjs BASE_URL EDITION
import { chromium } from "playwright-core";
import assert from "node:assert/strict";

const [base, edition] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
try {
  const phone = await browser.newContext({
    javaScriptEnabled: false,
    viewport: { width: 390, height: 844 },
    isMobile: true,
  });
  const page = await phone.newPage();
  const errors = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));

  await page.goto(`${base}/`);
  await page.getByRole("link", { name: "KubeCon + CloudNativeCon Europe 2026" }).click();
  assert.match(await page.locator("h1").innerText(), /KubeCon/);
  assert.match(await page.locator(".counts").first().innerText(), /596 sessions/);

  // A day's list, then filtered by track through the form (a plain GET, no script).
  await page.getByRole("link", { name: "Wednesday 25 March" }).click();
  // On a phone the day is a list by start time, not the grid: the grid's own markup in one
  // column, under start-time headings, with the room on each row.
  assert.ok(await page.locator(".grid .at").first().isVisible(), "start times head the day's list");
  assert.ok(!(await page.locator(".roomhead").first().isVisible()), "no room columns on a phone");
  const rows = await page.locator(".grid .cell").evaluateAll((els) =>
    els.map((e) => ({ left: e.getBoundingClientRect().left, room: e.querySelector(".room")?.getBoundingClientRect().width ?? 0 })));
  assert.ok(rows.length > 50, `${rows.length} sessions on the day's list`);
  assert.ok(rows.every((r) => r.left === rows[0].left), "one column");
  assert.ok(rows.every((r) => r.room > 0), "each row shows its room");
  await page.getByRole("link", { name: "as a list" }).click();
  const all = Number((await page.locator("p.counts").innerText()).split(" ")[0]);
  await page.selectOption("select[name=track]", { label: "SECURITY" });
  await page.getByRole("button", { name: "Filter" }).click();
  const some = Number((await page.locator("p.counts").innerText()).split(" ")[0]);
  assert.ok(some > 0 && some < all, `filtered ${some} of ${all}`);
  assert.match(page.url(), /track=security/);

  // Nothing on the phone list is wider than the screen.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `horizontal overflow of ${overflow}px on a phone`);

  // A session page: venue-local time, speakers with affiliations.
  await page.locator("li.session > a").first().click();
  assert.match(await page.locator(".when").innerText(), /Wednesday 25 March, \d\d:\d\d–\d\d:\d\d \(CET\)/);

  // Search from the header.
  await page.fill("input[name=q]", "Aniszczyk");
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("link", { name: "Keynote: Welcome + Opening Remarks" }).click();
  assert.match(await page.locator(".people").innerText(), /Chris Aniszczyk, Linux Foundation/);
  assert.deepEqual(errors, []);

  // The grid on a laptop: rooms side by side, scrolling inside its own box.
  const laptop = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const grid = await laptop.newPage();
  await grid.goto(`${base}/${edition}/schedule/2026-03-25/`);
  const heads = await grid.locator(".roomhead").count();
  assert.ok(heads > 10, `${heads} rooms in the grid`);
  const boxes = await grid.locator(".roomhead").evaluateAll((els) => els.slice(0, 3).map((e) => e.getBoundingClientRect().width));
  assert.ok(boxes.every((w) => w > 100 && w < 600), `room columns of sane width: ${boxes}`);
  // Each box is announced with its title, time and room: its link's name says them all.
  const links = await grid.locator(".grid a").count();
  const named = await grid.locator(".grid").getByRole("link", { name: /\d\d:\d\d–\d\d:\d\d ?, \S/ }).count();
  assert.equal(named, links, "every box's accessible name has its time and room");
  const pageOverflow = await grid.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(pageOverflow <= 0, `the page itself does not scroll sideways (${pageOverflow}px)`);
  // Scrolled to the middle both ways, the room row is still at the top of the grid's box and
  // the time column at its left.
  await grid.locator(".gridwrap").evaluate((el) => {
    el.scrollTop = el.scrollHeight / 2;
    el.scrollLeft = el.scrollWidth / 2;
  });
  const stuck = await grid.evaluate(() => {
    const box = document.querySelector(".gridwrap").getBoundingClientRect();
    const inside = (r) => r.left >= box.left && r.right <= box.right + 1 && r.top >= box.top && r.bottom <= box.bottom + 1;
    const heads = [...document.querySelectorAll(".roomhead")].map((h) => h.getBoundingClientRect()).filter(inside);
    const marks = [...document.querySelectorAll(".mark")].map((m) => m.getBoundingClientRect()).filter(inside);
    return {
      heads: heads.filter((r) => Math.abs(r.top - box.top) < 3).length,
      marks: marks.filter((r) => Math.abs(r.left - box.left) < 3).length,
    };
  });
  assert.ok(stuck.heads > 0 && stuck.marks > 0, `rooms and times stay in view: ${JSON.stringify(stuck)}`);
  // No two session boxes of the day overlap.
  const overlaps = await grid.evaluate(() => {
    const r = [...document.querySelectorAll(".cell")].map((c) => c.getBoundingClientRect());
    const pairs = [];
    for (let i = 0; i < r.length; i++)
      for (let j = i + 1; j < r.length; j++) {
        const w = Math.min(r[i].right, r[j].right) - Math.max(r[i].left, r[j].left);
        const h = Math.min(r[i].bottom, r[j].bottom) - Math.max(r[i].top, r[j].top);
        if (w > 1 && h > 1) pairs.push([i, j]);
      }
    return pairs.length;
  });
  assert.equal(overlaps, 0, "overlapping session boxes");
  await grid.screenshot({ path: process.env.SCREENSHOT || "/dev/null" }).catch(() => {});
  console.log("browser: agenda flows passed");
} finally {
  await browser.close();
}
