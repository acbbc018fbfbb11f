// The call for papers and its review in a real browser, through the forms only: an organizer
// rewrites the call's description in its settings form; a speaker (on a phone) logs in, fills in the profile and submits a proposal; a reviewer bids on it; a
// co-chair (in dark mode) assigns reviewers; the reviewer scores it without seeing who the
// speaker is; the co-chair accepts it from the ranking. Then, in a second run, the link of the
// acceptance mail is opened and its button pressed. axe-core (WCAG 2.2 AA rules) must find no
// serious or critical violation on any page on the way.
// Usage: node cfp.mjs review BASE_URL EDITION EVENT ORGANIZER SPEAKER REVIEWER CO_CHAIR PASSWORD
//        node cfp.mjs confirm BASE_URL LINK_PATH
import { chromium } from "playwright-core";
import { createRequire } from "node:module";
import assert from "node:assert/strict";

const [mode, base, ...rest] = process.argv.slice(2);
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
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, colorScheme: "light" },
  laptop: { viewport: { width: 1280, height: 900 }, colorScheme: "light" },
  dark: { viewport: { width: 1280, height: 900 }, colorScheme: "dark" },
};

// A person's own browser: a context of their own, so each keeps their own session cookie.
// The pages forbid inline scripts; axe is injected as one, hence bypassCSP.
async function person(who, view) {
  const context = await browser.newContext({ ...views[view], bypassCSP: true });
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => m.type() === "error" && errors.push(`${who}: ${m.text()}`));
  page.on("pageerror", (e) => errors.push(`${who}: ${e.message}`));
  return { who, view, page, errors };
}

// axe-core on the page as it is now; serious and critical violations fail the run.
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
  checked.push(name);
}

// A form's answer: the page it leads to must not be an error page.
async function ok(p, response, what) {
  const status = response?.status() ?? 0;
  assert.ok(status > 0 && status < 400, `${what} (${p.who}): HTTP ${status} at ${p.page.url()}: ${await p.page.locator("main").innerText()}`);
}

async function logIn(p, email, password) {
  await p.page.goto(`${base}/account/login`);
  await axe(p, "login");
  await p.page.getByLabel("E-mail address").fill(email);
  await p.page.getByLabel("Password").fill(password);
  const [response] = await Promise.all([
    p.page.waitForNavigation(),
    p.page.getByRole("button", { name: "Log in" }).click(),
  ]);
  await ok(p, response, "logging in");
  assert.match(await p.page.locator("main").innerText(), new RegExp(`Signed in as ${email.replace(/\./g, "\\.")}`));
}

// Clicks what leads to another page and waits for it.
async function follow(p, locator, what) {
  const [response] = await Promise.all([p.page.waitForNavigation(), locator.click()]);
  await ok(p, response, what);
}

try {
  if (mode === "review") {
    const [edition, event, organizerEmail, speakerEmail, reviewerEmail, chairEmail, password] = rest;
    const review = `${base}/review/${edition}/${event}`;
    const speakerName = "Zelda Quux";
    const affiliation = "Quuxcorp Inc";
    const title = "Zero trust for clusters";

    // The organizer, on a laptop: the call's settings, saved with a new description.
    const description = "Tell us what broke in production, and how you fixed it.";
    const organizer = await person("organizer", "laptop");
    await logIn(organizer, organizerEmail, password);
    await organizer.page.goto(`${base}/orga/${edition}/${event}/cfp`);
    await axe(organizer, "cfp-settings");
    assert.equal(await organizer.page.getByLabel(/^Reviews per proposal/).inputValue(), "1");
    assert.ok(await organizer.page.getByLabel(/Blind review/).isChecked(), "the review is blind");
    await organizer.page.getByLabel("Description").fill(description);
    await follow(organizer, organizer.page.getByRole("button", { name: "Save" }), "saving the settings");
    assert.equal(await organizer.page.getByRole("status").innerText(), "The call for papers is saved.");
    await axe(organizer, "cfp-settings-saved");

    // The speaker, on a phone: the call, logging in, the profile, the submit form.
    const speaker = await person("speaker", "phone");
    await speaker.page.goto(`${base}/cfp/${edition}/${event}/`);
    await axe(speaker, "call");
    assert.match(await speaker.page.locator(".notice").first().innerText(), /^Open until/);
    assert.match(await speaker.page.locator("main").innerText(), new RegExp(description));
    await logIn(speaker, speakerEmail, password);
    await axe(speaker, "account");
    await follow(speaker, speaker.page.getByRole("link", { name: "Your speaker profile" }), "the profile");
    await axe(speaker, "profile");
    await speaker.page.getByLabel("Name").fill(speakerName);
    await speaker.page.getByLabel("Affiliation").fill(affiliation);
    await speaker.page.getByLabel("Pronouns").fill("she/her");
    await speaker.page.getByLabel("Bio").fill(`${speakerName} runs the platform team at ${affiliation}.`);
    await follow(speaker, speaker.page.getByRole("button", { name: "Save" }), "saving the profile");
    assert.equal(await speaker.page.getByRole("status").innerText(), "Your profile is saved.");
    await axe(speaker, "profile-saved");

    await speaker.page.goto(`${base}/cfp/${edition}/${event}/`);
    await follow(speaker, speaker.page.getByRole("link", { name: "Submit a proposal" }), "the submit form");
    await axe(speaker, "submit");
    await speaker.page.getByLabel("Title").fill(title);
    await speaker.page.getByLabel("Abstract").fill("How we rolled out mutual TLS to every cluster, and what broke.");
    await speaker.page.getByLabel("Session type").selectOption({ label: "Talk (30 minutes)" });
    await speaker.page.getByLabel("Track").selectOption({ label: "Security" });
    await follow(speaker, speaker.page.getByRole("button", { name: "Submit" }), "submitting");
    assert.equal(await speaker.page.locator("h1").innerText(), title);
    // The proposal's page names its code in the line under the title: event · status · code.
    const line = await speaker.page.locator("h1 + p").innerText();
    const code = line.split(" · ")[2];
    assert.ok(code && speaker.page.url().endsWith(`/cfp/proposals/${code}`), `the code ${code} in "${line}" at ${speaker.page.url()}`);
    assert.match(line, / · submitted · /);
    assert.match(await speaker.page.locator("main").innerText(), new RegExp(`Speakers: ${speakerName}`));
    await axe(speaker, "proposal");

    // The reviewer, on a laptop: bids on the proposal in the list.
    const reviewer = await person("reviewer", "laptop");
    await logIn(reviewer, reviewerEmail, password);
    await reviewer.page.goto(`${review}/`);
    await axe(reviewer, "review-list");
    const row = reviewer.page.locator(`#p-${code}`);
    assert.match(await row.innerText(), new RegExp(title));
    await row.getByLabel(`Bid on ${code}`).selectOption("eager");
    await follow(reviewer, row.getByRole("button", { name: "Bid" }), "bidding");
    assert.equal(await reviewer.page.locator(`#p-${code}`).getByLabel(`Bid on ${code}`).inputValue(), "eager");

    // The co-chair, on a laptop in dark mode: assigns reviewers from the dashboard.
    const chair = await person("co-chair", "dark");
    await logIn(chair, chairEmail, password);
    await chair.page.goto(`${review}/`);
    await axe(chair, "review-list-co-chair");
    await follow(chair, chair.page.getByRole("link", { name: "Dashboard" }), "the dashboard");
    await axe(chair, "dashboard");
    await follow(chair, chair.page.getByRole("button", { name: "Assign reviewers" }), "assigning");
    assert.match(await chair.page.locator("h1").innerText(), /^Assignment run \d+/);
    assert.match(await chair.page.locator("main").innerText(), /1 assignments added/);
    assert.match(await chair.page.locator("main").innerText(), /Every proposal has its reviewers/);
    await axe(chair, "assigned");

    // The reviewer scores it, and sees no one's name or address on the way: the review is blind.
    await reviewer.page.goto(`${review}/`);
    assert.match(await reviewer.page.locator(`#p-${code}`).innerText(), /to review/);
    const blind = async (what) => {
      const html = await reviewer.page.content();
      for (const identity of [speakerName, "Zelda", "Quux", speakerEmail, "she/her"]) {
        assert.ok(!html.includes(identity), `${what} shows the speaker (${identity}) to a reviewer of a blind review`);
      }
    };
    await blind("the review list");
    await follow(reviewer, reviewer.page.getByRole("link", { name: title }), "the proposal to review");
    assert.equal(await reviewer.page.locator("h1").innerText(), title);
    await blind("the proposal to review");
    await axe(reviewer, "review-proposal");
    await reviewer.page.getByLabel(/^Relevance/).fill("4");
    await reviewer.page.getByLabel("Comment for the committee").fill("Solid, and a story people need to hear.");
    await reviewer.page.getByLabel(/^Comment for the speakers/).fill("Bring the failure stories.");
    await follow(reviewer, reviewer.page.getByRole("button", { name: "Save review" }), "scoring");
    assert.equal(await reviewer.page.getByLabel(/^Relevance/).inputValue(), "4");
    // The total is out of 100: 4 of 5 on the one criterion.
    assert.match(await reviewer.page.locator("main").innerText(), /Weighted total: 80\.0/);
    assert.equal(await reviewer.page.getByLabel(/^Comment for the speakers/).inputValue(), "Bring the failure stories.");
    await blind("the scored proposal");
    await axe(reviewer, "review-proposal-scored");

    // The co-chair accepts it from the ranking.
    await chair.page.goto(`${review}/`);
    await follow(chair, chair.page.getByRole("link", { name: "Ranking and decisions" }), "the ranking");
    await axe(chair, "ranking");
    const ranked = chair.page.locator("table.ranking tbody tr", { hasText: code });
    assert.match(await ranked.innerText(), /1 of 1/);
    await ranked.getByLabel(`Pick ${code}`).check();
    await chair.page.getByLabel("Decision for the picked proposals").selectOption("accept");
    await follow(chair, chair.page.getByRole("button", { name: "Decide" }), "deciding");
    assert.match(await chair.page.getByRole("status").innerText(), /^1 proposals decided/);
    assert.match(await chair.page.locator("table.ranking tbody tr", { hasText: code }).innerText(), /accepted/);
    await axe(chair, "ranking-decided");

    // The speaker sees the decision.
    await speaker.page.reload();
    assert.match(await speaker.page.locator("h1 + p").innerText(), / · accepted · /);
    await axe(speaker, "proposal-accepted");

    for (const p of [organizer, speaker, reviewer, chair]) assert.deepEqual(p.errors, []);
    console.log(`axe: no serious or critical violations on ${checked.length} pages (${checked.join(", ")})`);
    console.log(`cfp flow passed ${code}`);
  } else if (mode === "confirm") {
    // The acceptance mail's link, opened by the speaker without logging in.
    const [link] = rest;
    const speaker = await person("speaker", "phone");
    await speaker.page.goto(base + link);
    await axe(speaker, "confirm");
    assert.equal(await speaker.page.locator("h1").innerText(), "Confirm your talk");
    await follow(speaker, speaker.page.getByRole("button", { name: "Confirm the talk" }), "confirming");
    assert.equal(await speaker.page.locator("h1").innerText(), "Confirmed");
    await axe(speaker, "confirmed");
    const href = await speaker.page.getByRole("link", { name: "See the proposal" }).getAttribute("href");
    const code = href.split("/").pop();
    assert.deepEqual(speaker.errors, []);
    console.log(`cfp confirmation passed ${code}`);
  } else {
    throw new Error(`no such mode ${mode}: review or confirm`);
  }
} finally {
  await browser.close();
}
