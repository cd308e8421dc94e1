/* Self-assessment form: live claimed points. Progressive enhancement only: without this file
   the "计算得分" button posts the form and the page comes back with the points. Here every
   change of an input sends the same form data to the preview endpoint (which writes nothing)
   and the points beside each item are updated in place. */
(function () {
  "use strict";

  if (!window.fetch || !window.FormData) {
    return;
  }
  var form = document.querySelector("form.sa-form[data-preview-url]");
  if (!form) {
    return;
  }
  document.documentElement.classList.add("js-submissions");
  var timer = null;
  var pending = null;

  function update(data) {
    var items = data.items || {};
    Object.keys(items).forEach(function (id) {
      var points = form.querySelector('[data-points-for="' + id + '"]');
      var text = form.querySelector('[data-explanation-for="' + id + '"]');
      if (points) {
        points.textContent = items[id].points === null ? "—" : items[id].points;
      }
      if (text) {
        text.textContent = items[id].explanation || "";
      }
      var row = document.getElementById("item-" + id);
      if (row) {
        row.classList.toggle("has-preview-error", !!(data.errors || {})[id]);
      }
    });
  }

  function send() {
    if (pending) {
      pending.abort();
    }
    pending = new AbortController();
    var body = new FormData(form);
    body.delete("action");
    fetch(form.dataset.previewUrl, {
      method: "POST",
      body: body,
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
      signal: pending.signal,
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(update)
      .catch(function () {
        /* The points stay as they were; saving still works. */
      });
  }

  function schedule(event) {
    var target = event.target;
    if (!target || !target.name || target.type === "file") {
      return;
    }
    window.clearTimeout(timer);
    timer = window.setTimeout(send, 300);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);

  /* A double click on 提交 sends one request; the server refuses a second one anyway. */
  form.addEventListener("submit", function (event) {
    if (form.dataset.sending) {
      event.preventDefault();
      return;
    }
    form.dataset.sending = "1";
  });
})();
