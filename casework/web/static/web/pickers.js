// Unit and people pickers (casework/web/pickers.py): searchable, grouped; the <select> stays the form field.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select[data-picker=search]").forEach(function (el) {
    // Tom Select names its combobox by the field's <label> (aria-labelledby); the <select> it replaces stays the
    // form field, out of sight and out of the accessibility tree
    new TomSelect(el, {maxOptions: null, allowEmptyOption: false, lockOptgroupOrder: true, closeAfterSelect: true, openOnFocus: false,
                       plugins: el.multiple ? ["remove_button"] : []});
    el.setAttribute("aria-hidden", "true");
  });
});
