// Hallway's service worker: the schedule, an attendee's agenda and notes keep working offline
// once loaded. Pages are fetched from the network first (the browser revalidates them by ETag,
// so an unchanged page costs a 304) and kept; offline, the kept copy is served. Hashed assets
// never change, so they come from the cache first. Writes (POST) always go to the network: the
// pages queue bookmarks and notes made offline and send them when the network returns.
"use strict";

var PAGES = "hallway-pages-v1";
var ASSETS = "hallway-assets-v1";
// Pages only the signed-in person sees; dropped when they log out.
var MINE = "hallway-mine-v1";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  var keep = [PAGES, ASSETS, MINE];
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) {
        return n.indexOf("hallway-") === 0 && keep.indexOf(n) < 0;
      }).map(function (n) { return caches.delete(n); }));
    }).then(function () { return self.clients.claim(); })
  );
});

// Released pages say "public"; what is rendered for the signed-in person does not.
function isPrivate(response) {
  return (response.headers.get("cache-control") || "").indexOf("public") < 0;
}

function keep(request, response) {
  if (!response || response.status !== 200 || response.type !== "basic") return response;
  if ((response.headers.get("cache-control") || "").indexOf("no-store") >= 0) return response;
  var copy = response.clone();
  caches.open(isPrivate(response) ? MINE : PAGES).then(function (cache) {
    return cache.put(request, copy);
  });
  return response;
}

function kept(request) {
  return caches.match(request, { ignoreVary: true });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method !== "GET") {
    // Logging out forgets the person's pages on this device.
    if (url.pathname === "/account/logout") event.waitUntil(caches.delete(MINE));
    return;
  }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(kept(request).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        if (response.ok) {
          var copy = response.clone();
          caches.open(ASSETS).then(function (cache) { return cache.put(request, copy); });
        }
        return response;
      });
    }));
    return;
  }
  event.respondWith(fetch(request).then(function (response) {
    return keep(request, response);
  }, function () {
    return kept(request).then(function (hit) {
      if (hit) return hit;
      return new Response(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Offline</title></head><body><main><h1>You are offline</h1><p>This page was not opened on this device before, so it is not kept for offline use. Pages you have opened, the schedule and your agenda are.</p></main></body></html>",
        { status: 503, headers: { "content-type": "text/html; charset=utf-8" } }
      );
    });
  }));
});

// A page asks for the edition's schedule to be kept (its day pages), so that days not opened
// yet read offline too.
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "keep" || !Array.isArray(data.urls)) return;
  event.waitUntil(caches.open(PAGES).then(function (cache) {
    return Promise.all(data.urls.slice(0, 50).map(function (u) {
      var url = new URL(u, self.location.origin);
      if (url.origin !== self.location.origin) return null;
      return fetch(url.href, { credentials: "same-origin" }).then(function (response) {
        if (response.ok && !isPrivate(response)) return cache.put(url.href, response);
        return null;
      }, function () { return null; });
    }));
  }));
});
