// The report's only script: filter by verdict and search by text. Without it every row is shown.
export const SCRIPT = `(function () {
  var form = document.getElementById('filters');
  if (!form) return;
  form.hidden = false;
  var search = document.getElementById('search');
  var boxes = form.querySelectorAll('input[name="verdict"]');
  var items = document.querySelectorAll('[data-verdict]');
  var status = document.getElementById('filter-status');
  function apply() {
    var show = {};
    boxes.forEach(function (b) { show[b.value] = b.checked; });
    var text = search.value.trim().toLowerCase();
    var shown = 0, total = 0;
    items.forEach(function (el) {
      var ok = show[el.getAttribute('data-verdict')] && (!text || el.textContent.toLowerCase().indexOf(text) >= 0);
      el.classList.toggle('filtered', !ok);
      if (el.hasAttribute('data-image')) { total++; if (ok) shown++; }
    });
    status.textContent = shown + ' of ' + total + ' images shown';
  }
  form.addEventListener('input', apply);
  form.addEventListener('submit', function (e) { e.preventDefault(); });
  apply();
})();`;
