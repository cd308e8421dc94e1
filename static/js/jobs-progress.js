// Progress page of a background job (jobs/templates/jobs/job_detail.html): polls the job's
// status.json and updates the bar, the message and the download link until it finishes.
(function () {
  "use strict";
  var panel = document.getElementById("job");
  if (!panel || panel.dataset.finished === "1") {
    return;
  }
  var url = panel.dataset.statusUrl;
  var bar = document.getElementById("job-progress");
  var percent = document.getElementById("job-percent");
  var status = document.getElementById("job-status");
  var message = document.getElementById("job-message");
  var link = document.getElementById("job-download");
  var delay = 1000;

  function show(state) {
    bar.value = state.progress;
    bar.textContent = state.progress + "%";
    percent.textContent = state.progress + "%";
    status.textContent = state.status_label;
    if (state.status === "failed") {
      message.className = "message message-error";
      message.textContent = "任务失败：" + state.message;
    } else {
      message.textContent = state.message;
    }
    if (state.download_url) {
      link.href = state.download_url;
      link.hidden = false;
    }
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (state) {
        show(state);
        if (!state.finished) {
          delay = Math.min(delay * 1.2, 5000);
          window.setTimeout(poll, delay);
        }
      })
      .catch(function () {
        message.textContent = "无法获取任务进度，请刷新页面。";
      });
  }

  window.setTimeout(poll, delay);
})();
