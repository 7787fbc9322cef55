// The intake form: more complainants, the suggestions panel, the routes offered (web/intake.html).
(function () {
  // Values from the page: data-* attributes of the "add person" button (Content-Security-Policy: no inline script).
  var add = document.getElementById("add-person"), box = document.getElementById("people");
  var total = document.getElementById("id_p-TOTAL_FORMS"), tpl = document.getElementById("person-template");
  add.addEventListener("click", function () {
    var n = parseInt(total.value, 10), channel = document.getElementById("id_channel");
    if (channel && channel.value === add.dataset.groupChannel && n >= parseInt(add.dataset.maxRepresentatives, 10)) {
      alert(add.dataset.overLimit);
      return;
    }
    box.insertAdjacentHTML("beforeend", tpl.innerHTML.replace(/__prefix__/g, n));
    total.value = n + 1;
    box.lastElementChild.querySelector("input").focus();
  });
  document.getElementById("insight").addEventListener("click", function (e) {
    var b = e.target.closest(".pick-category");
    if (!b) return;
    document.getElementById("id_category").value = b.dataset.category;
    var to = document.getElementById("id_to_unit_id"), step = document.getElementById("id_next_step");
    if (b.dataset.unit && to && to.querySelector('option[value="' + b.dataset.unit + '"]')
        && step.querySelector('option[value="forward"]:not([disabled])')) {
      if (to.tomselect) { to.tomselect.setValue(b.dataset.unit); } else { to.value = b.dataset.unit; }
      step.value = "forward";
    }
    b.setAttribute("aria-pressed", "true");
  });
  // The routes the lifecycle table lets this clerk take at the chosen unit (web.intake.intake_routes).
  var unitSelect = document.getElementById("id_unit_id"), stepSelect = document.getElementById("id_next_step");
  function offerRoutes() {
    var routes = JSON.parse(unitSelect.dataset.routes || "{}")[unitSelect.value];
    Array.prototype.forEach.call(stepSelect.options, function (o) {
      var ok = !o.value || !routes || routes.indexOf(o.value) >= 0;
      o.disabled = !ok; o.hidden = !ok;
      if (!ok && o.selected) { stepSelect.value = ""; }
    });
  }
  unitSelect.addEventListener("change", offerRoutes);
  offerRoutes();
  document.addEventListener("keydown", function (e) {
    if ((e.ctrlKey || e.metaKey) && e.key === "Enter") { e.target.form && e.target.form.requestSubmit(); }
  });
})();
