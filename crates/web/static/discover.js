// A session's page lists similar sessions, the same for everyone. For a signed-in viewer this
// asks which of them to show and in what order, so that suggestions fit their agenda.
(function () {
  "use strict";
  var box = document.getElementById("similar");
  if (!box || !window.fetch) return;
  var url = "/me/" + box.dataset.edition + "/similar/" + box.dataset.session;
  fetch(url, { credentials: "same-origin", headers: { accept: "application/json" } })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (picks) {
      if (!picks || !picks.signed_in) return;
      box.querySelectorAll("ul[data-list]").forEach(function (list) {
        var chosen = picks[list.dataset.list] || [];
        var items = {};
        Array.prototype.forEach.call(list.children, function (li) {
          items[li.dataset.guid] = li;
          li.hidden = true;
        });
        chosen.forEach(function (p) {
          var li = items[p.guid];
          if (!li) return;
          li.hidden = false;
          list.appendChild(li);
          if (p.clashes && !li.querySelector(".clash")) {
            var note = document.createElement("span");
            note.className = "clash";
            note.textContent = " (at the time of a session you bookmarked)";
            li.appendChild(note);
          }
        });
      });
    })
    .catch(function () {});
})();
