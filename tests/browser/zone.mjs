// The offer to show times in the browser's zone, in a browser set to Los Angeles: it appears,
// switching keeps the zone in the address, and later pages named without a zone follow it.
// Usage: node zone.mjs BASE_URL EDITION
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
  const context = await browser.newContext({ timezoneId: "America/Los_Angeles" });
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(String(e)));

  await page.goto(`${base}/${edition}/schedule/2026-03-25/list`);
  assert.match(await page.locator("#zone").innerText(), /Times in Europe\/Amsterdam/);
  await page.getByRole("button", { name: "Show times in America/Los_Angeles" }).click();
  await page.waitForURL(/tz=America%2FLos_Angeles|tz=America\/Los_Angeles/);
  assert.match(await page.locator("#zone").innerText(), /Times in America\/Los_Angeles/);

  // A page reached without ?tz= follows the choice.
  await page.goto(`${base}/${edition}/speakers/`);
  await page.waitForURL(/tz=America/);
  assert.match(await page.locator("#zone").innerText(), /Times in America\/Los_Angeles/);

  // Back to the venue's times, remembered too.
  await page.getByRole("button", { name: /Show the venue's times/ }).click();
  await page.waitForURL((url) => !url.search.includes("tz="));
  await page.goto(`${base}/${edition}/changelog`);
  assert.ok(!page.url().includes("tz="), page.url());
  assert.match(await page.locator("#zone").innerText(), /Times in Europe\/Amsterdam/);
  assert.deepEqual(errors, []);
  console.log("zone offer passed");
} finally {
  await browser.close();
}
