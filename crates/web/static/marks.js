// Bookmarks and marks on the shared schedule pages. Each session box links to the attendee's
// marks page (plain forms); this turns the links into toggle buttons that change marks without
// a reload. Signed in, marks come from and go to /api/v1/editions/{edition}/marks; not signed
// in, bookmarks stay in this browser and are sent once after sign-in, as changes with ids
// chosen here, so that sending them twice applies them once.
(function () {
  "use strict";
  var main = document.querySelector("main[data-edition]");
  var boxes = document.querySelectorAll("a.bookmark[data-session], .my-marks[data-session]");
  if (!main || boxes.length === 0 || !window.fetch) return;
  var edition = main.getAttribute("data-edition");
  var api = "/api/v1/editions/" + encodeURIComponent(edition) + "/marks";
  var mine = "/me/" + encodeURIComponent(edition) + "/marks.json";
  var localKey = "hallway.marks." + edition;
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
    send([change]).then(function () {
      say((b.title ? b.title + ": " : "") + b.name + (pressed(b) ? " on." : " off."));
    }, function (e) {
      m[b.field] = before;
      paint();
      say("Not saved: " + e.message);
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
