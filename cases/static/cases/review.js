// Saves the review form as the reviewer goes: each change posts the whole form with
// X-Requested-With: fetch; the server validates and answers JSON. Without JavaScript the
// "保存" button does the same with a page load.
(function () {
  "use strict";
  var form = document.getElementById("review-form");
  if (!form) { return; }
  var status = document.getElementById("autosave-status");
  var timer = null;

  function save() {
    var data = new FormData(form);
    data.set("action", "save");
    fetch(form.dataset.autosave, {
      method: "POST",
      body: data,
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json();
    }).then(function (body) {
      if (body.ok) {
        status.textContent = "已自动保存 " + body.saved_at;
        status.classList.remove("message-error");
      } else {
        status.textContent = body.errors.join("；");
        status.classList.add("message-error");
      }
    }).catch(function () {
      status.textContent = "自动保存失败，请点击“保存”。";
      status.classList.add("message-error");
    });
  }

  form.addEventListener("change", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 400);
  });
})();
