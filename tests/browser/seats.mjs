// Seats and waitlists in a real browser, through the forms only: an attendee (on a 360 px
// phone) takes the only seat of a workshop from its session page; a second one joins the line;
// the first gives the seat up, the second is offered it and claims it; an organizer (on a
// phone too, at the door) sees the list and checks the second in. axe-core (WCAG 2.2 AA rules)
// must find no serious or critical violation on any page on the way.
// Usage: node seats.mjs BASE_URL EDITION SESSION FIRST SECOND ORGANIZER PASSWORD
import { chromium } from "playwright-core";
import { createRequire } from "node:module";
import assert from "node:assert/strict";

const [base, edition, session, firstEmail, secondEmail, organizerEmail, password] = process.argv.slice(2);
const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});

const views = {
  phone: { viewport: { width: 360, height: 740 }, isMobile: true, colorScheme: "light" },
  laptop: { viewport: { width: 1280, height: 900 }, colorScheme: "dark" },
};

// A person's own browser, with a cookie jar of their own. The pages forbid inline scripts;
// axe is injected as one, hence bypassCSP.
async function person(who, view) {
  const context = await browser.newContext({ ...views[view], bypassCSP: true });
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => m.type() === "error" && errors.push(`${who}: ${m.text()}`));
  page.on("pageerror", (e) => errors.push(`${who}: ${e.message}`));
  return { who, view, page, errors };
}

const checked = [];
async function axe(p, name) {
  await p.page.addScriptTag({ path: axePath });
  const violations = await p.page.evaluate(async (values) => {
    const r = await window.axe.run(document, { runOnly: { type: "tag", values }, resultTypes: ["violations"] });
    return r.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.impact} ${v.id} (${v.help}) on ${v.nodes.length} elements, e.g. ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
  }, tags);
  assert.deepEqual(violations, [], `axe on ${name} (${p.who}, ${p.view}): ${p.page.url()}`);
  if (p.view === "phone") {
    const overflow = await p.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${name}: ${overflow}px wider than a 360 px phone`);
  }
  checked.push(name);
}

async function ok(p, response, what) {
  const status = response?.status() ?? 0;
  assert.ok(status > 0 && status < 400, `${what} (${p.who}): HTTP ${status} at ${p.page.url()}: ${await p.page.locator("main").innerText()}`);
}

async function follow(p, locator, what) {
  const [response] = await Promise.all([p.page.waitForNavigation(), locator.click()]);
  await ok(p, response, what);
}

async function logIn(p, email) {
  await p.page.goto(`${base}/account/login`);
  await p.page.getByLabel("E-mail address").fill(email);
  await p.page.getByLabel("Password").fill(password);
  await follow(p, p.page.getByRole("button", { name: "Log in" }), "logging in");
}

const main = (p) => p.page.locator("main").innerText();

// From the public session page to its seat page.
async function seatPage(p) {
  await p.page.goto(`${base}/${edition}/sessions/${session}`);
  await follow(p, p.page.getByRole("link", { name: "Seats and waitlist" }), "the seat page");
  assert.equal(new URL(p.page.url()).pathname, `/${edition}/seats/${session}`);
}

try {
  const first = await person("first attendee", "phone");
  const second = await person("second attendee", "laptop");
  const organizer = await person("organizer", "phone");
  for (const [p, email] of [[first, firstEmail], [second, secondEmail], [organizer, organizerEmail]]) {
    await logIn(p, email);
  }

  // The first takes the only seat.
  await seatPage(first);
  assert.match(await main(first), /1 seat, 1 free/);
  await axe(first, "seat-free");
  await follow(first, first.page.getByRole("button", { name: "Take a seat" }), "taking a seat");
  assert.match(await main(first), /You have a seat\./);
  await axe(first, "seat-held");

  // The second finds it full and joins the line.
  await seatPage(second);
  assert.match(await main(second), /0 free/);
  await follow(second, second.page.getByRole("button", { name: "Join the waitlist" }), "joining the line");
  assert.match(await main(second), /you are number 1 in line/);
  await axe(second, "seat-waiting");

  // The first gives the seat up; the second is offered it and claims it.
  await follow(first, first.page.getByRole("button", { name: "Give up the seat" }), "giving up");
  assert.match(await main(first), /the next in line is offered the place/);
  // Back to the seat page (a reload would post the form again).
  await second.page.goto(`${base}/${edition}/seats/${session}`);
  assert.match(await main(second), /A seat is held for you until/);
  await axe(second, "seat-offered");
  await follow(second, second.page.getByRole("button", { name: "Claim the seat" }), "claiming");
  assert.match(await main(second), /The seat is yours\./);
  assert.match(await main(second), /You have a seat\./);

  // The organizer sees the list and, at the door, checks the second in.
  await organizer.page.goto(`${base}/orga/${edition}/`);
  await follow(organizer, organizer.page.getByRole("link", { name: "Seats", exact: true }), "the seat lists");
  assert.match(await main(organizer), /1 seat, 1 taken, 0 offered, 0 waiting, 0 checked in/);
  await axe(organizer, "orga-seats");
  await follow(organizer, organizer.page.getByRole("link", { name: "Hands-on eBPF" }), "the list");
  assert.match(await main(organizer), new RegExp(secondEmail.replace(/\./g, "\\.")));
  await axe(organizer, "orga-seat-list");
  await follow(organizer, organizer.page.getByRole("link", { name: "Door: check people in" }), "the door");
  assert.match(await main(organizer), /0 in, 1 holding a seat and not in yet/);
  await axe(organizer, "orga-seat-door");
  const row = organizer.page.locator("ul.door li", { hasText: secondEmail });
  await follow(organizer, row.getByRole("button", { name: "Check in" }), "checking in");
  assert.match(await main(organizer), new RegExp(`${secondEmail.replace(/\./g, "\\.")} is in\\.`));
  assert.match(await main(organizer), /1 in, 0 holding a seat and not in yet/);
  assert.match(await main(organizer), /Everyone holding a seat is in\./);
  await axe(organizer, "orga-seat-door-in");

  for (const p of [first, second, organizer]) assert.deepEqual(p.errors, []);
  console.log(`seat flow passed (${checked.length} pages checked by axe: ${checked.join(", ")})`);
} finally {
  await browser.close();
}
