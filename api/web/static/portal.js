// Phản Ánh portal: the receiving-unit picker filters its list as the citizen types (accents and case ignored).
(function () {
  "use strict";
  const search = document.getElementById("unit-search");
  const select = document.getElementById("unit_id");
  const none = document.getElementById("unit-no-match");
  if (!search || !select) { return; }
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase()
      .replace(/^[\s—-]+/, "").trim();
  }
  search.addEventListener("input", function () {
    const wanted = fold(search.value);
    let shown = 0;
    let first = null;
    Array.from(select.options).forEach(function (option) {
      if (!option.value) { return; }
      const match = !wanted || fold(option.textContent).indexOf(wanted) !== -1;
      option.hidden = !match;
      option.disabled = !match;
      if (match) { shown += 1; if (!first) { first = option; } }
    });
    if (none) { none.hidden = shown > 0; }
    const current = select.selectedOptions[0];
    if (wanted && first && (!current || current.hidden || !current.value)) { select.value = first.value; }
    if (!wanted && current && current.hidden) { select.value = ""; }
  });
})();
