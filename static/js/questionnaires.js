// Campaign form: show the form-of-mentoring field only for the "form" scope and
// the pairs list only for "chosen pairs". Without JS every field stays visible.
(function () {
  "use strict";
  var form = document.querySelector("[data-campaign-form]");
  if (!form) return;
  function wrapper(name) {
    var field = form.querySelector("[name='" + name + "']");
    return field ? field.closest(".mb-3") : null;
  }
  function update() {
    var checked = form.querySelector("[name='scope']:checked");
    var scope = checked ? checked.value : "all";
    var formBox = wrapper("form");
    var pairsBox = wrapper("pairs");
    if (formBox) formBox.hidden = scope !== "form";
    if (pairsBox) pairsBox.hidden = scope !== "pairs";
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "scope") update();
  });
  update();
})();
