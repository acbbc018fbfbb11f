// Each page in Debian's Chromium at a phone's and a laptop's width (and the laptop's in dark
// mode, which follows the system): axe-core with the WCAG 2.2 AA rules must find no serious or
// critical violation; a screenshot of each is kept in SCREENSHOT_DIR as NAME-WIDTH[-dark].png.
// Usage: node pages.mjs BASE_URL SCREENSHOT_DIR NAME=PATH...
// HALLWAY_COOKIE ("name=value; name=value") is sent with every page, for a signed-in person's.
import { chromium } from "playwright-core";
import { createRequire } from "node:module";
import path from "node:path";

const [base, shots, ...pages] = process.argv.slice(2);
const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const widths = [
  { width: 360, height: 800, isMobile: true, colorScheme: "light" },
  { width: 1440, height: 900, isMobile: false, colorScheme: "light" },
  { width: 1440, height: 900, isMobile: false, colorScheme: "dark" },
];
if (pages.length === 0) throw new Error("no pages given");

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
const found = [];
let checked = 0;
try {
  for (const { width, height, isMobile, colorScheme } of widths) {
    const view = colorScheme === "dark" ? `${width}-dark` : `${width}`;
    // The pages forbid inline scripts; axe is injected as one.
    const context = await browser.newContext({ viewport: { width, height }, isMobile, colorScheme, bypassCSP: true });
    const cookies = (process.env.HALLWAY_COOKIE || "").split(";").map((c) => c.trim()).filter((c) => c);
    await context.addCookies(cookies.map((c) => ({ name: c.slice(0, c.indexOf("=")), value: c.slice(c.indexOf("=") + 1), url: base })));
    const page = await context.newPage();
    for (const entry of pages) {
      const [name, url] = [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)];
      await page.goto(base + url);
      await page.addScriptTag({ path: axePath });
      const violations = await page.evaluate(async (values) => {
        const r = await window.axe.run(document, { runOnly: { type: "tag", values }, resultTypes: ["violations"] });
        return r.violations
          .filter((v) => v.impact === "serious" || v.impact === "critical")
          .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length, first: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
      }, tags);
      for (const v of violations) found.push({ page: name, view, ...v });
      await page.screenshot({ path: path.join(shots, `${name}-${view}.png`) });
      checked++;
    }
    await context.close();
  }
} finally {
  await browser.close();
}
for (const v of found) {
  console.log(`${v.page} at ${v.view}px: ${v.impact} ${v.id} (${v.help}) on ${v.nodes} elements, e.g. ${v.first.join(" | ")}`);
}
if (found.length > 0) {
  console.log(`axe: ${found.length} serious or critical violations`);
  process.exit(1);
}
console.log(`axe: no serious or critical violations on ${checked} page views`);
