// Progressive enhancement only: the pages work without this file.
// 1. Suggestions while typing in the search box, from /api/suggest, into its <datalist>.
// 2. Empty filter fields are left out of the address when the search form is submitted.
(function () {
  "use strict";

  var input = document.querySelector("input[data-suggest-url]");
  var form = document.getElementById("soeg");

  if (input && input.list && window.fetch && window.AbortController) {
    var list = input.list;
    var url = input.getAttribute("data-suggest-url");
    var timer = null;
    var pending = null;
    var lastAsked = "";

    var update = function () {
      var text = input.value;
      if (text === lastAsked) { return; }
      lastAsked = text;
      if (pending) { pending.abort(); }
      if (text.trim().length < 2 || /\s$/.test(text)) {
        list.replaceChildren();
        return;
      }
      pending = new AbortController();
      fetch(url + "?q=" + encodeURIComponent(text), {
        signal: pending.signal,
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (data) {
        if (!data || input.value !== text) { return; }
        list.replaceChildren.apply(list, data.suggestions.map(function (suggestion) {
          var option = document.createElement("option");
          option.value = suggestion.text;
          return option;
        }));
      }).catch(function () {
        // Suggestions are a convenience; a failed or cancelled request changes nothing.
      });
    };

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(update, 150);
    });
  }

  if (form) {
    form.addEventListener("submit", function () {
      Array.prototype.forEach.call(form.elements, function (field) {
        if (field.name && field.name !== "q" && field.value === "" && field.tagName === "INPUT") {
          field.disabled = true;
        }
      });
    });
    // Coming back to the page (back button), the fields must work again.
    window.addEventListener("pageshow", function () {
      Array.prototype.forEach.call(form.elements, function (field) { field.disabled = false; });
    });
  }
})();
