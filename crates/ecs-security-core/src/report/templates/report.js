// Progressive enhancement only: the page reads in full without this script. No network.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var rules = Array.prototype.slice.call(document.querySelectorAll("article.rule"));
  function apply() {
    if (!form) { return; }
    var severities = {};
    Array.prototype.forEach.call(form.querySelectorAll("input[name=severity]"), function (box) {
      severities[box.value] = box.checked;
    });
    var select = form.querySelector("select[name=category]");
    var category = select ? select.value : "";
    var shown = 0;
    rules.forEach(function (rule) {
      var visible = 0;
      Array.prototype.forEach.call(rule.querySelectorAll("tr.finding"), function (row) {
        var ok = severities[row.getAttribute("data-severity")] === true &&
          (category === "" || row.getAttribute("data-category") === category);
        row.hidden = !ok;
        if (ok) { visible += 1; }
      });
      rule.hidden = visible === 0;
      shown += visible;
    });
    // The fleet page: a cluster whose findings are all filtered out is hidden too.
    Array.prototype.forEach.call(document.querySelectorAll("section.cluster"), function (section) {
      var articles = section.querySelectorAll("article.rule");
      if (articles.length === 0) { return; }
      section.hidden = Array.prototype.every.call(articles, function (a) { return a.hidden; });
    });
    var out = document.getElementById("visible-count");
    if (out) { out.textContent = shown + " shown"; }
  }
  if (form) {
    form.hidden = false;
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    apply();
  }
  function copy(text, button) {
    function done(label) {
      button.textContent = label;
      setTimeout(function () { button.textContent = "Copy"; }, 1500);
    }
    function fallback() {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      done(ok ? "Copied" : "Select and copy");
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done("Copied"); }, fallback);
    } else {
      fallback();
    }
  }
  // Printing shows everything: every control table and every finding.
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) { d.open = true; });
  });
  Array.prototype.forEach.call(document.querySelectorAll("button.copy"), function (button) {
    var snippet = button.closest(".snippet");
    var code = snippet ? snippet.querySelector("pre code") : null;
    if (!code) { return; }
    button.hidden = false;
    button.addEventListener("click", function () { copy(code.textContent, button); });
  });
})();
