// Door staff on a phone (360 px): the room's page passes axe-core's WCAG 2.2 AA rules and fits
// the width; three presses of "+1 in" and one of "Full" show on the page (plain forms). Then,
// at a laptop's width, the session's public page, whose script reads the fill, says the room
// is full and offers the session running beside it; the day grid marks its box.
// Usage: node venue.mjs BASE_URL SESSION_COOKIE ROOM_PATH SESSION_PATH GRID_PATH
import { chromium } from "playwright-core";
import { createRequire } from "node:module";

const [base, session, roomPath, sessionPath, gridPath] = process.argv.slice(2);
const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});

function fail(message) {
  throw new Error(message);
}

async function axe(page, name) {
  await page.addScriptTag({ path: axePath });
  const violations = await page.evaluate(async (values) => {
    const r = await window.axe.run(document, { runOnly: { type: "tag", values }, resultTypes: ["violations"] });
    return r.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.impact} ${v.id} (${v.help}) e.g. ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
  }, tags);
  if (violations.length > 0) fail(`${name}: ${violations.join("; ")}`);
}

try {
  // The pages forbid inline scripts; axe is injected as one.
  const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, bypassCSP: true });
  await phone.addCookies([{ name: "hallway_session", value: session, url: base }]);
  const page = await phone.newPage();
  await page.goto(base + roomPath);
  await axe(page, "the room's page at 360 px");
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  if (wide > 360) fail(`the room's page is ${wide} px wide at 360 px`);
  for (let i = 0; i < 3; i++) {
    await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "+1 in" }).click()]);
  }
  const count = await page.locator(".doorcount b").textContent();
  if (count !== "3") fail(`after three presses the count reads ${count}`);
  await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Full", exact: true }).click()]);
  const status = await page.locator(".doorcount").textContent();
  if (!status.includes("marked full")) fail(`after "Full" the page reads ${status}`);
  await axe(page, "the room's page, full, at 360 px");
  await phone.close();

  const laptop = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const pub = await laptop.newPage();
  pub.on("pageerror", (e) => console.log(`page error: ${e}`));
  pub.on("console", (m) => console.log(`console: ${m.text()}`));
  pub.on("response", (r) => { if (r.url().includes(".json")) console.log(`${r.status()} ${r.url()}`); });
  await pub.goto(base + sessionPath);
  const note = pub.locator("p.fillmark.fill-full");
  await note.waitFor({ timeout: 10000 });
  const said = await note.textContent();
  if (!said.includes("The room is full now.") || !said.includes("Running at the same time")) fail(`the session page says: ${said}`);
  await pub.goto(base + gridPath);
  await pub.locator(".cell.fill-full, li.fill-full").first().waitFor({ state: "attached", timeout: 10000 });
  await laptop.close();
} finally {
  await browser.close();
}
console.log("venue flows passed");
