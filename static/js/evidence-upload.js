/* Evidence uploader (evidence/_uploader.html): drag-and-drop or picker, several files, one
   request per file with its own progress bar, the server's Chinese message on refusal, and a
   hidden input per stored file so that the surrounding form posts the ids. */
(function () {
  "use strict";

  var KINDS = { pdf: "PDF", jpeg: "JPEG", png: "PNG", docx: "DOCX", xlsx: "XLSX", mp4: "MP4" };

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function formatSize(bytes) {
    if (bytes >= 1024 * 1024) return (bytes / 1024 / 1024).toFixed(1) + " MB";
    if (bytes >= 1024) return (bytes / 1024).toFixed(0) + " KB";
    return bytes + " B";
  }

  function isVideoName(name) {
    return /\.(mp4|m4v)$/i.test(name);
  }

  function setup(root) {
    if (root.dataset.ready) return;
    root.dataset.ready = "1";
    var picker = root.querySelector(".evidence-picker");
    var drop = root.querySelector(".evidence-drop");
    var queue = root.querySelector(".evidence-queue");
    var inputs = root.querySelector(".evidence-inputs");
    var maxBytes = parseInt(root.dataset.maxBytes, 10);
    var videoMaxBytes = parseInt(root.dataset.videoMaxBytes, 10);

    function fail(item, message) {
      item.li.classList.add("is-error");
      item.status.textContent = message;
      item.progress.hidden = true;
    }

    function succeed(item, data) {
      item.progress.value = item.progress.max;
      item.li.classList.add("is-done");
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = root.dataset.inputName;
      hidden.value = String(data.id);
      inputs.appendChild(hidden);
      item.status.textContent = "上传完成（" + (KINDS[data.kind] || data.kind) + "，" +
        formatSize(data.size) + "）";
      var link = el("a", "evidence-item-link", data.preview_url ? "预览" : "下载");
      link.href = data.preview_url || data.download_url;
      link.target = "_blank";
      link.rel = "noopener";
      item.li.insertBefore(link, item.progress);
      if (data.duplicate_of) {
        item.status.appendChild(el("span", "evidence-item-warning",
          " 注意：与本单位已上传的文件 #" + data.duplicate_of + " 内容相同。"));
      }
      var remove = el("button", "link-button", "移除");
      remove.type = "button";
      remove.addEventListener("click", function () {
        hidden.remove();
        item.li.remove();
      });
      item.status.appendChild(document.createTextNode(" "));
      item.status.appendChild(remove);
    }

    // One upload at a time per uploader: the first file is done soonest, the bars fill in
    // order, and a clerk dropping 30 scans does not open 30 connections to the server.
    var pending = [];
    var active = 0;

    function pump() {
      if (active > 0 || pending.length === 0) return;
      var next = pending.shift();
      active += 1;
      next(function () {
        active -= 1;
        pump();
      });
    }

    function send(file) {
      var li = el("li", "evidence-item");
      var item = {
        li: li,
        progress: el("progress"),
        status: el("span", "evidence-item-status", "等待上传…"),
      };
      li.appendChild(el("span", "evidence-item-name", file.name + "（" + formatSize(file.size) + "）"));
      item.progress.max = 100;
      item.progress.value = 0;
      item.progress.setAttribute("aria-label", "上传进度：" + file.name);
      li.appendChild(item.progress);
      li.appendChild(item.status);
      queue.appendChild(li);

      if (file.size === 0) return fail(item, "文件为空。");
      var limit = isVideoName(file.name) ? videoMaxBytes : maxBytes;
      if (limit && file.size > limit) {
        return fail(item, "文件超过 " + Math.round(limit / 1024 / 1024) + " MB 上限。");
      }

      pending.push(function (finished) {
        upload(file, item, finished);
      });
      pump();
    }

    function upload(file, item, finished) {
      item.status.textContent = "正在上传… 0%";
      var form = new FormData();
      form.append("unit", root.dataset.unit); // before the file: read first by the server
      form.append("file", file, file.name);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", root.dataset.uploadUrl);
      xhr.setRequestHeader("X-CSRFToken", root.dataset.csrf);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) {
          // 99% until the server has checked and stored the file.
          item.progress.value = Math.min(99, Math.floor((event.loaded / event.total) * 100));
          item.status.textContent = "正在上传… " + item.progress.value + "%";
        }
      });
      xhr.upload.addEventListener("load", function () {
        item.status.textContent = "正在校验…";
      });
      xhr.addEventListener("loadend", finished);
      xhr.addEventListener("load", function () {
        var data = null;
        try {
          data = JSON.parse(xhr.responseText);
        } catch (e) {
          data = null;
        }
        if (xhr.status >= 200 && xhr.status < 300 && data && data.id) {
          succeed(item, data);
        } else if (data && data.error) {
          fail(item, data.error);
        } else if (xhr.status === 403) {
          fail(item, "无权上传，或页面已过期，请刷新后重试。");
        } else {
          fail(item, "上传失败（HTTP " + xhr.status + "），请稍后重试。");
        }
      });
      xhr.addEventListener("error", function () {
        fail(item, "网络错误，上传未完成，请重试。");
      });
      xhr.send(form);
    }

    function sendAll(files) {
      for (var i = 0; i < files.length; i++) send(files[i]);
    }

    picker.addEventListener("change", function () {
      sendAll(picker.files);
      picker.value = "";
    });
    ["dragenter", "dragover"].forEach(function (type) {
      drop.addEventListener(type, function (event) {
        event.preventDefault();
        drop.classList.add("is-dragover");
      });
    });
    ["dragleave", "drop"].forEach(function (type) {
      drop.addEventListener(type, function (event) {
        event.preventDefault();
        drop.classList.remove("is-dragover");
      });
    });
    drop.addEventListener("drop", function (event) {
      if (event.dataTransfer && event.dataTransfer.files) sendAll(event.dataTransfer.files);
    });
  }

  function init() {
    var roots = document.querySelectorAll("[data-evidence-uploader]");
    for (var i = 0; i < roots.length; i++) setup(roots[i]);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
