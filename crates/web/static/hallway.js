// Times in the viewer's own zone. The server renders any page in any IANA zone (?tz=); this
// offers the browser's zone when it is not the one shown, remembers the choice in
// localStorage, and applies it to later pages that do not name a zone themselves.
(function () {
  "use strict";
  var bar = document.getElementById("zone");
  if (!bar) return;
  var shown = bar.getAttribute("data-zone");
  var venue = bar.getAttribute("data-venue");
  var key = "hallway.tz";
  var stored = null;
  try { stored = localStorage.getItem(key); } catch (e) { /* storage off: offer every time */ }
  var url = new URL(window.location.href);
  var asked = url.searchParams.get("tz");

  function urlFor(zone) {
    var u = new URL(url.href);
    if (zone === venue) u.searchParams.delete("tz"); else u.searchParams.set("tz", zone);
    return u.href;
  }
  function choose(zone) {
    try { localStorage.setItem(key, zone); } catch (e) { /* the link still works once */ }
    window.location.assign(urlFor(zone));
  }

  // A page reached without ?tz= follows the remembered choice.
  if (!asked && stored && stored !== shown) {
    window.location.replace(urlFor(stored));
    return;
  }

  var mine = null;
  try { mine = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { /* no Intl */ }
  function button(label, zone, cls) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = cls;
    b.textContent = label;
    b.addEventListener("click", function () { choose(zone); });
    return b;
  }
  var offer = document.createElement("span");
  offer.className = "zone-offer";
  if (shown !== venue) {
    offer.appendChild(button("Show the venue's times (" + venue + ")", venue, "zone-switch"));
  } else if (mine && mine !== venue) {
    if (stored) {
      offer.appendChild(button("Show times in your zone (" + mine + ")", mine, "zone-switch"));
    } else {
      offer.appendChild(document.createTextNode("Your zone is " + mine + ". "));
      offer.appendChild(button("Show times in " + mine, mine, "zone-switch primary"));
      var keep = document.createElement("button");
      keep.type = "button";
      keep.className = "zone-switch";
      keep.textContent = "Keep the venue's times";
      keep.addEventListener("click", function () {
        try { localStorage.setItem(key, venue); } catch (e) { /* nothing to remember */ }
        offer.remove();
      });
      offer.appendChild(keep);
    }
  }
  if (offer.childNodes.length) bar.appendChild(offer);
})();

// Offline: the service worker keeps the pages opened here; on an edition's pages it is also
// asked to keep every day of the schedule, so that days not opened yet read offline too.
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register("/sw.js").then(function () {
    return navigator.serviceWorker.ready;
  }).then(function (registration) {
    var days = /^\/[^/]+\/schedule\/\d{4}-\d{2}-\d{2}\/(list)?$/;
    var urls = [];
    Array.prototype.forEach.call(document.querySelectorAll("a[href]"), function (a) {
      var u = new URL(a.href);
      if (u.origin === location.origin && days.test(u.pathname) && urls.indexOf(u.href) < 0) {
        urls.push(u.href);
      }
    });
    if (urls.length && registration.active) {
      registration.active.postMessage({ type: "keep", urls: urls });
    }
  }).catch(function () { /* no offline copy; the site works as before */ });
})();
