// Bookmarks and marks on the shared schedule pages. Each session box links to the attendee's
// marks page (plain forms); this turns the links into toggle buttons that change marks without
// a reload. Signed in, marks come from and go to /api/v1/editions/{edition}/marks; not signed
// in, bookmarks stay in this browser and are sent once after sign-in, as changes with ids
// chosen here, so that sending them twice applies them once.
//
// Offline, a signed-in attendee's changes (bookmarks here, a note on the marks page) wait in
// this device's outbox and are sent when the network returns, each with its id and the time it
// was made: the server applies each once and the latest change of a field wins, so nothing is
// lost or applied twice, whatever order devices come back in.
(function () {
  "use strict";
  var main = document.querySelector("main[data-edition]");
  var noteForm = document.querySelector("form.note-form[data-edition][data-session]");
  var boxes = document.querySelectorAll("a.bookmark[data-session], .my-marks[data-session]");
  if (!window.fetch) return;
  if (noteForm) main = noteForm.parentNode;
  else if (!main || boxes.length === 0) return;
  var edition = (noteForm || main).getAttribute("data-edition");
  var api = "/api/v1/editions/" + encodeURIComponent(edition) + "/marks";
  var mine = "/me/" + encodeURIComponent(edition) + "/marks.json";
  var localKey = "hallway.marks." + edition;
  var outboxKey = "hallway.outbox." + edition;
  var marks = {};
  var signedIn = false;
  var status = document.createElement("p");
  status.className = "mark-status visually-hidden";
  status.setAttribute("role", "status");
  main.appendChild(status);

  function say(text) { status.textContent = text; }
  function newId() {
    if (window.crypto && crypto.randomUUID) return "web-" + crypto.randomUUID();
    return "web-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
  }
  // Bookmarks made before signing in: changes not sent yet, by session.
  function readLocal() {
    try { return JSON.parse(localStorage.getItem(localKey) || "{}") || {}; } catch (e) { return {}; }
  }
  function writeLocal(pending) {
    try {
      if (Object.keys(pending).length === 0) localStorage.removeItem(localKey);
      else localStorage.setItem(localKey, JSON.stringify(pending));
      return true;
    } catch (e) { return false; }
  }
  function mark(guid) {
    return marks[guid] || (marks[guid] = { interested: false, priority: "", attended: false, watch_later: false });
  }
  function send(changes) {
    return fetch(api, {
      method: "POST",
      credentials: "same-origin",
      cache: "no-store",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify({ changes: changes })
    }).then(function (r) {
      if (r.ok) return r.json();
      return r.json().then(function (e) { return e.error || r.statusText; }, function () { return r.statusText; })
        .then(function (text) { var e = new Error(text); e.status = r.status; throw e; });
    });
  }

  // A toggle keeps its name; aria-pressed (and the style) says whether it is on.
  // Signed-in changes the server has not acknowledged yet, oldest first.
  function readOutbox() {
    try { return JSON.parse(localStorage.getItem(outboxKey) || "[]") || []; } catch (e) { return []; }
  }
  function writeOutbox(list) {
    try {
      if (list.length === 0) localStorage.removeItem(outboxKey);
      else localStorage.setItem(outboxKey, JSON.stringify(list));
      return true;
    } catch (e) { return false; }
  }
  function without(sent) {
    var ids = sent.map(function (c) { return c.id; });
    writeOutbox(readOutbox().filter(function (c) { return ids.indexOf(c.id) < 0; }));
  }
  function queue(change) {
    var box = readOutbox();
    box.push(change);
    return writeOutbox(box);
  }
  // A refusal for good (bad input), as opposed to the network or the server failing.
  function refused(e) { return e.status && e.status !== 401 && e.status < 500; }
  var offlineNote = "Saved on this device; sent when the network is back.";
  var flushing = null;
  // Sends the outbox. A batch refused as a whole is sent change by change, so that one bad
  // change (a session gone from the edition) does not hold the others back forever.
  function flush() {
    if (flushing) return flushing;
    var pending = readOutbox();
    if (pending.length === 0) return Promise.resolve(0);
    flushing = send(pending).then(function () {
      without(pending);
      // The offline copy of my marks (kept by the service worker) follows what was sent.
      fetch(mine, { credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" } })
        .catch(function () { /* offline again: the outbox was sent, the copy is older */ });
      return pending.length;
    }, function (e) {
      if (!refused(e)) throw e;
      return pending.reduce(function (chain, c) {
        return chain.then(function (n) {
          return send([c]).then(function () { without([c]); return n + 1; }, function (e1) {
            if (!refused(e1)) throw e1;
            without([c]);
            say("Not saved: " + e1.message);
            return n;
          });
        });
      }, Promise.resolve(0));
    }).then(function (n) { flushing = null; return n; }, function (e) { flushing = null; throw e; });
    return flushing;
  }
  // Tried again when the browser says it is back online, and on a timer, since a network that
  // comes back is not always announced.
  var retry = null;
  var retryAfter = 5000;
  function flushAndSay() {
    flush().then(function (n) {
      retryAfter = 5000;
      if (n) say(n + " change" + (n === 1 ? "" : "s") + " made offline saved.");
    }, function () {
      if (retry) return;
      retry = setTimeout(function () { retry = null; flushAndSay(); }, retryAfter);
      retryAfter = Math.min(retryAfter * 2, 60000);
    });
  }
  window.addEventListener("online", flushAndSay);

  if (noteForm) {
    // The note goes through the outbox like any change: saved now when the network is there
    // (the page then shows it rendered), kept on the device and sent later when it is not.
    status.className = "mark-status";
    noteForm.addEventListener("submit", function (event) {
      var text = noteForm.querySelector("textarea").value;
      var change = { id: newId(), session: noteForm.getAttribute("data-session"), field: "note", value: text, at: Date.now() };
      if (!queue(change)) return; // No storage here: the form posts as without JavaScript.
      event.preventDefault();
      flush().then(function () {
        if (!readOutbox().some(function (c) { return c.id === change.id; })) window.location.reload();
      }, function (e) {
        if (e.status === 401) { without([change]); say("Not saved: " + e.message); return; }
        say("Note saved on this device; sent when the network is back.");
        flushAndSay();
      });
    });
    flushAndSay();
    return;
  }

  var fields = [
    ["interested", true, "Bookmark"],
    ["priority", "first", "First choice"],
    ["priority", "backup", "Backup"],
    ["attended", true, "Attended"],
    ["watch_later", true, "Watch later"]
  ];
  var buttons = [];

  function pressed(b) {
    var m = mark(b.guid);
    return b.field === "priority" ? m.priority === b.value : m[b.field] === true;
  }
  function paint() {
    buttons.forEach(function (b) {
      var on = pressed(b);
      b.el.setAttribute("aria-pressed", on ? "true" : "false");
      b.label.textContent = b.name;
    });
  }
  function toggle(b) {
    var m = mark(b.guid);
    var before = m[b.field];
    var value = b.field === "priority" ? (m.priority === b.value ? "none" : b.value) : !m[b.field];
    m[b.field] = value === "none" ? "" : value;
    paint();
    var change = { id: newId(), session: b.guid, field: b.field, value: value, at: Date.now() };
    if (!signedIn) {
      var pending = readLocal();
      if (value === false) delete pending[b.guid]; else pending[b.guid] = change;
      say(writeLocal(pending)
        ? (value ? "Bookmarked in this browser; sign in to keep it in your agenda." : "Bookmark removed.")
        : "This browser keeps nothing: sign in to bookmark.");
      return;
    }
    var done = function () { say((b.title ? b.title + ": " : "") + b.name + (pressed(b) ? " on." : " off.")); };
    var undo = function (e) { m[b.field] = before; paint(); say("Not saved: " + e.message); };
    // Kept on the device first, so that a change made offline is sent later.
    if (!queue(change)) {
      send([change]).then(done, undo);
      return;
    }
    flush().then(function () {
      if (readOutbox().some(function (c) { return c.id === change.id; })) undo(new Error("refused"));
      else done();
    }, function (e) {
      if (e.status === 401) { without([change]); undo(e); return; }
      say(offlineNote);
      flushAndSay();
    });
  }
  function button(guid, title, f, extraClass) {
    var el = document.createElement("button");
    el.type = "button";
    el.className = "toggle " + extraClass;
    el.setAttribute("data-session", guid);
    var label = document.createElement("span");
    el.appendChild(label);
    var b = { el: el, label: label, guid: guid, title: title || "", field: f[0], value: f[1], name: f[2] };
    el.addEventListener("click", function () { toggle(b); });
    buttons.push(b);
    return el;
  }
  function enhance() {
    boxes.forEach(function (box) {
      var guid = box.getAttribute("data-session");
      if (box.tagName === "A") {
        // The box's title, for what the status line says.
        var open = box.parentNode.querySelector("a:not(.bookmark)");
        var bold = open && open.querySelector("b");
        var title = (bold || open || { textContent: "" }).textContent.trim();
        box.parentNode.replaceChild(button(guid, title, fields[0], "bookmark"), box);
        return;
      }
      // The session page: every state, and the link to the note.
      var group = document.createElement("span");
      group.className = "toggles";
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", "Your marks");
      var shown = signedIn ? fields : fields.slice(0, 1);
      shown.forEach(function (f) { group.appendChild(button(guid, "", f, "")); });
      var link = box.querySelector("a");
      if (link) link.textContent = signedIn ? "Your private note" : "Sign in for priorities and notes";
      box.insertBefore(group, box.firstChild);
    });
    paint();
  }

  fetch(mine, { credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" } })
    .then(function (r) {
      if (!r.ok) throw new Error(r.statusText);
      return r.json();
    })
    .then(function (answer) {
      var pending = readLocal();
      var list = answer.signed_in ? answer.marks : null;
      if (list === null) {
        Object.keys(pending).forEach(function (g) { mark(g).interested = pending[g].value === true; });
        enhance();
        return;
      }
      signedIn = true;
      list.forEach(function (m) { marks[m.session] = m; });
      // Changes still waiting on this device show as made.
      readOutbox().forEach(function (c) {
        if (c.field !== "note") mark(c.session)[c.field] = c.value === "none" ? "" : c.value;
      });
      flushAndSay();
      var changes = Object.keys(pending).map(function (g) { return pending[g]; });
      enhance();
      if (changes.length === 0) return;
      // Bookmarks made before signing in join the account's, once.
      send(changes).then(function () {
        changes.forEach(function (c) { mark(c.session)[c.field] = c.value; });
        writeLocal({});
        paint();
        say(changes.length + " bookmark" + (changes.length === 1 ? "" : "s") + " from this browser added to your agenda.");
      }, function (e) {
        // Refused for good (a session gone from the edition): kept, they would fail forever.
        if (e.status === 400 || e.status === 404) writeLocal({});
        say("Bookmarks from this browser not saved: " + e.message);
      });
    })
    .catch(function () { /* offline or failing: the links still lead to the forms */ });
})();
