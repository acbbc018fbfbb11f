// The player page: starts the recording where the viewer left off and keeps their place,
// saving it every few seconds, on pause, on leaving and at the end. Each save carries the
// device's time, so the latest wins on the server whatever order saves arrive in.
(function () {
  "use strict";
  var media = document.getElementById("player");
  if (!media || !window.fetch) return;
  var status = document.getElementById("saved");
  var offset = Number(media.dataset.offset) || 0;
  var start = Number(media.dataset.position) || 0;
  var length = Number(media.dataset.length) || 0;
  var last = -1;

  function clock(s) {
    var h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, sec = s % 60;
    var mm = h > 0 && m < 10 ? "0" + m : String(m);
    return (h > 0 ? h + ":" : "") + mm + ":" + (sec < 10 ? "0" : "") + sec;
  }

  function resume() {
    if (start > 0 || offset > 0) media.currentTime = offset + start;
  }
  if (media.readyState >= 1) resume();
  else media.addEventListener("loadedmetadata", resume, { once: true });

  function send(finished) {
    var position = Math.max(0, Math.floor(media.currentTime - offset));
    if (!finished && position === last) return;
    last = position;
    var duration = length > 0 ? length
      : (isFinite(media.duration) ? Math.floor(media.duration - offset) : null);
    fetch(media.dataset.save, {
      method: "POST",
      credentials: "same-origin",
      keepalive: true,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ csrf: media.dataset.csrf, position: position, duration: duration, finished: !!finished, at: Date.now() })
    }).then(function (r) {
      if (status) status.textContent = r.ok ? "Your place is kept at " + clock(position) + "."
        : "Your place could not be kept; the form below keeps it.";
    }).catch(function () {
      if (status) status.textContent = "Offline: your place could not be kept just now.";
    });
  }

  setInterval(function () { if (!media.paused) send(false); }, 5000);
  media.addEventListener("pause", function () { send(false); });
  media.addEventListener("ended", function () { send(true); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && !media.paused) send(false);
  });
})();
