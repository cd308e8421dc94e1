/* What-if panel: submit the form without a page reload. Progressive enhancement only: the
   form is a plain POST that works without this file; here the same POST is sent with
   `X-Requested-With: fetch`, the server answers with the panel alone, and the panel is
   swapped in place. Any failure falls back to the plain POST. */
(function () {
  "use strict";

  if (!window.fetch || !window.FormData || !Element.prototype.closest) {
    return;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains("js-whatif")) {
      return;
    }
    var panel = form.closest("[data-whatif-panel]");
    if (!panel) {
      return;
    }
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) {
      button.disabled = true;
    }
    panel.setAttribute("aria-busy", "true");

    fetch(form.action.split("#")[0], {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var holder = document.createElement("div");
        holder.innerHTML = html.trim();
        var fresh = holder.querySelector("[data-whatif-panel]");
        if (!fresh) {
          throw new Error("no panel in the response");
        }
        panel.replaceWith(fresh);
        var result = fresh.querySelector("[data-whatif-result]");
        var target = result || fresh.querySelector(".errorlist") || fresh;
        target.scrollIntoView({ block: "start" });
        if (result) {
          result.focus({ preventScroll: true });
        }
      })
      .catch(function () {
        // HTMLFormElement.submit() does not fire "submit" again: a plain POST.
        form.submit();
      });
  });
})();
