// Live questions: follows the room's socket (see docs/architecture.md, "Live Q&A") and redraws
// the list from the page itself when a change arrives, so that what JavaScript shows is what
// the server renders. Without this script the page works as it is and reloads itself for
// readers; with it, a lost socket reconnects with the last number seen and misses nothing.
(function () {
  "use strict";
  var box = document.getElementById("live-questions");
  if (!box || !window.WebSocket || !window.fetch || !window.DOMParser) return;
  var path = box.getAttribute("data-live");
  // The page itself, even when it is the answer to a form (whose address takes no GET).
  var page = box.getAttribute("data-page") || window.location.href;
  var seq = Number(box.getAttribute("data-seq")) || 0;
  var status = document.getElementById("live-status");
  var wait = 1000;
  var fetching = false;
  var again = false;
  var pinger = null;

  function say(text) {
    if (status) status.textContent = text;
  }

  // One fetch at a time; changes arriving meanwhile make one more.
  function redraw() {
    if (fetching) { again = true; return; }
    fetching = true;
    fetch(page, { credentials: "same-origin", headers: { accept: "text/html" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(new Error(String(r.status))); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("live-questions");
        if (fresh) box.innerHTML = fresh.innerHTML;
      })
      .catch(function () { /* the next change or reconnect tries again */ })
      .then(function () {
        fetching = false;
        if (again) { again = false; redraw(); }
      });
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + path + "?after=" + seq);
    var changed = false;
    socket.onopen = function () {
      wait = 1000;
      // An idle socket is kept open; the server answers with the last number it sent.
      pinger = window.setInterval(function () { socket.send('{"type":"ping"}'); }, 25000);
    };
    socket.onmessage = function (event) {
      var m;
      try { m = JSON.parse(event.data); } catch (e) { return; }
      if (m.type === "change" && m.seq > seq) {
        seq = m.seq;
        changed = true;
        redraw();
      } else if (m.type === "live") {
        say("Live: new questions and votes show as they come.");
        if (changed) redraw();
      }
    };
    socket.onclose = function () {
      if (pinger) window.clearInterval(pinger);
      pinger = null;
      say("Reconnecting…");
      // Restarts (1012) and a client fallen behind (4000) reconnect at once; others back off.
      window.setTimeout(connect, wait);
      wait = Math.min(wait * 2, 30000);
    };
  }

  connect();
})();
