// Live state on pages that are the same for everyone: how full the sessions now are (boxes
// and links marked "filling" / "full", a full one's alternative), which presenters are online,
// a heartbeat that keeps a signed-in viewer online while a page is open, and new notes in a
// presenter's inbox. Every page works without it: the door staff pages, the per-session
// online page and the inbox are plain forms and links.
(function () {
  "use strict";
  var brand = document.querySelector("a.edition");
  var news = document.getElementById("inbox-news");
  var edition = news ? news.getAttribute("data-edition")
    : brand ? (brand.getAttribute("href") || "").split("/")[1] : null;
  if (!edition) return;
  var base = "/" + edition + "/";
  var path = window.location.pathname;

  function get(url, then) {
    fetch(url, { credentials: "same-origin", headers: { accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) { if (j) then(j); })
      .catch(function () { /* offline: try again on the next tick */ });
  }
  function every(seconds, run) {
    run();
    window.setInterval(function () {
      if (document.visibilityState !== "hidden") run();
    }, seconds * 1000);
  }
  function badge(cls, text) {
    var s = document.createElement("span");
    s.className = "livebadge " + cls;
    s.textContent = text;
    return s;
  }
  function clear(cls) {
    var old = document.querySelectorAll("." + cls);
    for (var i = 0; i < old.length; i++) old[i].parentNode.removeChild(old[i]);
  }

  // A heartbeat while the page is open; a visitor who is not signed in is told once.
  var beating = true;
  function beat() {
    if (!beating) return;
    fetch(base + "presence/beat", { method: "POST", credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { seen: false }; })
      .then(function (j) { if (!j.seen) beating = false; })
      .catch(function () { /* offline */ });
  }
  every(60, beat);

  if (news) {
    var newest = Number(news.getAttribute("data-newest")) || 0;
    every(20, function () {
      get("/me/" + edition + "/inbox.json", function (j) {
        if (j.newest <= newest) return;
        news.textContent = "New notes arrived. ";
        var a = document.createElement("a");
        a.href = "/me/" + edition + "/inbox";
        a.textContent = "Show them";
        news.appendChild(a);
        news.hidden = false;
      });
    });
    return;
  }

  var session = path.indexOf(base + "sessions/") === 0 ? path.slice((base + "sessions/").length) : null;
  var speaker = path.indexOf(base + "speakers/") === 0 ? path.slice((base + "speakers/").length).replace(/\/$/, "") : null;

  function linksTo(guid) {
    return document.querySelectorAll('a[href^="' + base + "sessions/" + guid + '"]');
  }

  // A page showing another moment (?at=) shows that moment's fill.
  var at = new URLSearchParams(window.location.search).get("at");
  var fillUrl = base + "fill.json" + (at ? "?at=" + encodeURIComponent(at) : "");
  every(30, function () {
    get(fillUrl, function (j) {
      clear("fillmark");
      var marked = document.querySelectorAll(".fill-filling, .fill-full");
      for (var m = 0; m < marked.length; m++) marked[m].classList.remove("fill-filling", "fill-full");
      j.sessions.forEach(function (f) {
        if (f.level === "open") return;
        var word = f.level === "full" ? "full" : "filling up";
        var links = linksTo(f.session);
        for (var i = 0; i < links.length; i++) {
          var box = links[i].closest(".cell, li") || links[i];
          box.classList.add("fill-" + f.level);
          links[i].appendChild(badge("fillmark fill-" + f.level, " · " + word));
          if (f.level === "full" && f.overflow && box.tagName === "LI") {
            var alt = document.createElement("a");
            alt.href = base + "sessions/" + f.overflow.session;
            alt.textContent = f.overflow.title;
            var p = badge("fillmark overflow", "Full now: try ");
            p.appendChild(alt);
            if (f.overflow.room) p.appendChild(document.createTextNode(" (" + f.overflow.room + ")"));
            box.appendChild(p);
          }
        }
        if (session === f.session) {
          var h = document.querySelector("h1");
          var note = document.createElement("p");
          note.className = "fillmark fill-" + f.level;
          note.setAttribute("role", "status");
          note.textContent = "The room is " + word + " now.";
          if (f.level === "full" && f.overflow) {
            note.appendChild(document.createTextNode(" Running at the same time: "));
            var a = document.createElement("a");
            a.href = base + "sessions/" + f.overflow.session;
            a.textContent = f.overflow.title;
            note.appendChild(a);
            if (f.overflow.room) note.appendChild(document.createTextNode(" (" + f.overflow.room + ")"));
            note.appendChild(document.createTextNode("."));
          }
          if (h) h.parentNode.insertBefore(note, h.nextSibling);
        }
      });
    });
  });

  if (session || speaker) {
    var query = session ? "session=" + encodeURIComponent(session) : "speaker=" + encodeURIComponent(speaker);
    every(60, function () {
      get(base + "online.json?" + query, function (j) {
        clear("onlinemark");
        j.online.forEach(function (p) {
          if (speaker) {
            var h = document.querySelector("h1");
            if (h) h.appendChild(badge("onlinemark online", " · online now"));
            return;
          }
          var links = document.querySelectorAll('ul.people a[href^="' + base + "speakers/" + p.speaker + '"]');
          for (var i = 0; i < links.length; i++) {
            links[i].parentNode.insertBefore(badge("onlinemark online", " online now"), links[i].nextSibling);
          }
        });
      });
    });
  }
})();
