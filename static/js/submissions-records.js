/* Records and monthly values as a small table (one row per record or month) instead of JSON.
   Progressive enhancement: the JSON textarea stays in the form (hidden) and is what is posted;
   every edit of the table rewrites it. A textarea whose text is not valid JSON (the server
   sent back what the user typed, with an error) is left as it is, so no input is lost. */
(function () {
  "use strict";

  var NUMERIC = { number: 1, count: 1, ratio: 1, score: 1 };

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      node.setAttribute(key, attrs[key]);
    });
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function toRows(kind, data) {
    if (kind === "monthly") {
      return Object.keys(data || {}).sort().map(function (month) {
        return { month: month, value: data[month] };
      });
    }
    return Array.isArray(data) ? data : [];
  }

  function fromRows(kind, rows) {
    if (kind === "monthly") {
      var result = {};
      rows.forEach(function (row) {
        if (row.month) {
          result[row.month] = row.value;
        }
      });
      return result;
    }
    return rows;
  }

  function enhance(textarea) {
    var kind = textarea.dataset.factType;
    var fields;
    var data;
    try {
      fields = JSON.parse(textarea.dataset.fields || "{}");
      data = textarea.value.trim() ? JSON.parse(textarea.value) : kind === "monthly" ? {} : [];
    } catch (e) {
      return;
    }
    var names = Object.keys(fields);
    var rows = toRows(kind, data);
    var wrap = el("div", { class: "rec-editor" });
    var table = el("table", { class: "table rec-table" });
    var head = el("tr");
    names.forEach(function (name) {
      head.appendChild(el("th", { scope: "col" }, name === "month" ? "月份" : name === "value" ? "数值" : name));
    });
    head.appendChild(el("th", { scope: "col" }, ""));
    table.appendChild(el("thead")).appendChild(head);
    var body = table.appendChild(el("tbody"));
    var add = el("button", { type: "button", class: "button button-small button-secondary" },
      kind === "monthly" ? "添加月份" : "添加一条");

    function sync() {
      var out = [];
      body.querySelectorAll("tr").forEach(function (tr) {
        var row = {};
        names.forEach(function (name) {
          var input = tr.querySelector('[data-field="' + name + '"]');
          var type = fields[name];
          if (type === "bool") {
            row[name] = input.checked;
          } else if (input.value.trim() === "") {
            return;
          } else if (NUMERIC[type]) {
            row[name] = input.value.trim(); // a numeric string: exact, checked by the server
          } else {
            row[name] = input.value;
          }
        });
        out.push(row);
      });
      var value = fromRows(kind, out);
      var empty = kind === "monthly" ? Object.keys(value).length === 0 : value.length === 0;
      textarea.value = empty ? "" : JSON.stringify(value);
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    }

    function addRow(values) {
      var tr = el("tr");
      names.forEach(function (name) {
        var type = fields[name];
        var td = el("td");
        var input;
        if (type === "bool") {
          input = el("input", { type: "checkbox" });
          input.checked = !!values[name];
        } else {
          input = el("input", { type: type === "month" ? "month" : "text" });
          if (NUMERIC[type]) {
            input.setAttribute("inputmode", "decimal");
          }
          input.value = values[name] === undefined || values[name] === null ? "" : String(values[name]);
        }
        input.dataset.field = name;
        input.setAttribute("aria-label", name);
        input.addEventListener("change", sync);
        input.addEventListener("input", sync);
        td.appendChild(input);
        tr.appendChild(td);
      });
      var remove = el("button", { type: "button", class: "link-button" }, "删除");
      remove.addEventListener("click", function () {
        tr.remove();
        sync();
      });
      tr.appendChild(el("td")).appendChild(remove);
      body.appendChild(tr);
    }

    rows.forEach(addRow);
    add.addEventListener("click", function () {
      addRow({});
    });
    wrap.appendChild(table);
    wrap.appendChild(add);
    textarea.hidden = true;
    textarea.parentNode.insertBefore(wrap, textarea.nextSibling);
  }

  document.querySelectorAll("textarea.json-input[data-fact-type]").forEach(enhance);
})();
