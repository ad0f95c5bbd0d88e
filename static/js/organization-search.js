// Organization pickers (organizations/widgets.py). A search replaces the "found" group of the
// select: what was chosen there first moves to the "chosen" group, so that it survives the next
// search, and a match that is already chosen is not listed twice.
(function () {
  function foundGroup(event) {
    var target = event.detail.target;
    return target && target.matches && target.matches("optgroup[data-found]") ? target : null;
  }
  // Enter in a search box searches; it must not submit the form around it.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.matches && event.target.matches(".organization-search input")) {
      event.preventDefault();
    }
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var found = foundGroup(event);
    if (!found) { return; }
    var chosen = found.parentElement.querySelector("optgroup[data-chosen]");
    Array.prototype.forEach.call(found.querySelectorAll("option"), function (option) {
      if (option.selected) { chosen.appendChild(option); }
    });
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var found = foundGroup(event);
    if (!found) { return; }
    var chosen = {};
    found.parentElement.querySelectorAll("optgroup[data-chosen] option").forEach(function (option) {
      chosen[option.value] = true;
    });
    found.querySelectorAll("option").forEach(function (option) {
      if (chosen[option.value]) { option.remove(); }
    });
  });
})();
