// evtctl catalogue: search on the index, service filter on the flow pages. No network.
(function () {
  "use strict";

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs) { e.setAttribute(k, attrs[k]); }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  function score(item, terms) {
    var name = item.n.toLowerCase(), all = name + " " + item.k + " " + item.d.toLowerCase();
    var total = 0;
    for (var i = 0; i < terms.length; i++) {
      var t = terms[i];
      if (all.indexOf(t) < 0) { return -1; }
      total += name === t ? 100 : name.indexOf(t) === 0 ? 40 : name.indexOf(t) >= 0 ? 20 : 1;
    }
    return total;
  }

  function setupSearch() {
    var input = document.getElementById("q"), list = document.getElementById("results");
    var items = window.EVTCTL_SEARCH;
    if (!input || !list || !items) { return; }
    var active = -1;
    function mark() {
      var lis = list.querySelectorAll("li");
      for (var i = 0; i < lis.length; i++) { lis[i].classList.toggle("active", i === active); }
    }
    function show() {
      var terms = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      list.textContent = "";
      active = -1;
      if (!terms.length) { return; }
      var found = [];
      for (var i = 0; i < items.length; i++) {
        var s = score(items[i], terms);
        if (s >= 0) { found.push([s, items[i]]); }
      }
      found.sort(function (a, b) { return b[0] - a[0] || (a[1].n < b[1].n ? -1 : 1); });
      if (!found.length) { list.appendChild(el("li", {"class": "none"}, "nothing found")); return; }
      found.slice(0, 50).forEach(function (pair) {
        var item = pair[1], li = el("li", {role: "option"});
        li.appendChild(el("span", {"class": "kind"}, item.k));
        li.appendChild(el("a", {href: item.u}, item.n));
        if (item.d) { li.appendChild(el("span", {"class": "detail"}, item.d)); }
        list.appendChild(li);
      });
      if (found.length > 50) {
        list.appendChild(el("li", {"class": "more"}, (found.length - 50) + " more: refine the search"));
      }
    }
    input.addEventListener("input", show);
    input.addEventListener("keydown", function (ev) {
      var links = list.querySelectorAll("li a");
      if (ev.key === "ArrowDown" && links.length) { active = Math.min(active + 1, links.length - 1); mark(); ev.preventDefault(); }
      else if (ev.key === "ArrowUp" && links.length) { active = Math.max(active - 1, 0); mark(); ev.preventDefault(); }
      else if (ev.key === "Enter" && links.length) { links[Math.max(active, 0)].click(); ev.preventDefault(); }
    });
    if (input.value) { show(); }
  }

  function setupFlow() {
    var data = window.EVTCTL_FLOW, svg = document.querySelector("#flow svg");
    var service = document.getElementById("flow-service"), ns = document.getElementById("flow-ns");
    if (ns) { ns.addEventListener("change", function () { window.location.href = ns.value; }); }
    var zoom = document.getElementById("flow-zoom"), box = document.getElementById("flow");
    if (zoom && box) {
      var setZoom = function (actual) {
        box.classList.toggle("actual", actual);
        zoom.textContent = actual ? "Fit to width" : "Actual size";
      };
      zoom.addEventListener("click", function () { setZoom(!box.classList.contains("actual")); });
      // A drawing that would shrink below 60 % to fit is shown at its size, scrollable.
      if (svg && svg.viewBox && svg.viewBox.baseVal && box.clientWidth &&
          svg.viewBox.baseVal.width * 0.6 > box.clientWidth) { setZoom(true); }
    }
    if (!data || !service) { return; }
    function apply(sid) {
      if (!svg) { return; }
      var keep = {}, topics = {};
      if (sid) {
        keep["svc-" + data.services[sid]] = true;
        data.arrows.forEach(function (a) { if (a[0] === sid) { topics[a[1]] = true; } });
        data.arrows.forEach(function (a) {
          if (topics[a[1]]) { keep["svc-" + data.services[a[0]]] = true; }
        });
        Object.keys(topics).forEach(function (t) { keep["topic-" + data.topics[t]] = true; });
      }
      svg.querySelectorAll("g.node").forEach(function (g) {
        g.classList.toggle("dim", !!sid && !keep[g.id]);
      });
      svg.querySelectorAll("g.edge").forEach(function (g) {
        var on = false;
        if (sid) {
          Object.keys(topics).forEach(function (t) {
            if (g.classList.contains("e-" + data.topics[t])) { on = true; }
          });
        }
        g.classList.toggle("dim", !!sid && !on);
      });
      if (sid) {
        var node = document.getElementById("svc-" + data.services[sid]);
        if (node && node.scrollIntoView) { node.scrollIntoView({block: "center", inline: "center"}); }
      }
    }
    service.addEventListener("change", function () {
      history.replaceState(null, "", service.value ? "#service=" + encodeURIComponent(service.value) : "#");
      apply(service.value);
    });
    var m = /[#&]service=([^&]+)/.exec(window.location.hash);
    if (m) {
      var sid = decodeURIComponent(m[1]);
      if (data.services[sid] !== undefined) { service.value = sid; apply(sid); }
    }
  }

  document.addEventListener("DOMContentLoaded", function () { setupSearch(); setupFlow(); });
}());
