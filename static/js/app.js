// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";

  function showMessage(text, level) {
    var box = document.getElementById("messages");
    if (!box) return;
    var note = document.createElement("div");
    note.className = "message message-" + (level || "error");
    note.setAttribute("role", level === "error" ? "alert" : "status");
    note.textContent = text;
    box.appendChild(note);
  }

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    showMessage(xhr.getResponseHeader("HX-Error-Message") || "That did not work (" + xhr.status + "). Please try again.");
    var card = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("[data-card]");
    if (card) snapBack(card);
  });
  document.addEventListener("htmx:sendError", function () {
    showMessage("The server could not be reached. Check your connection and try again.");
  });

  // ---- Pipeline board: drag and drop posts the card's own "Move to…" form. ----
  var origin = null;

  function snapBack(card) {
    if (origin && origin.card === card && origin.list) {
      origin.list.insertBefore(card, origin.next && origin.next.parentNode === origin.list ? origin.next : null);
    }
    origin = null;
  }

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest("[data-card][draggable=true]");
    if (!card) return;
    origin = { card: card, list: card.parentNode, next: card.nextSibling };
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.id);
    card.classList.add("dragging");
  });
  document.addEventListener("dragend", function (event) {
    var card = event.target.closest && event.target.closest("[data-card]");
    if (card) card.classList.remove("dragging");
    document.querySelectorAll(".drop-target").forEach(function (el) { el.classList.remove("drop-target"); });
  });
  document.addEventListener("dragover", function (event) {
    var zone = event.target.closest && event.target.closest("[data-dropzone]");
    if (!zone || !origin) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    zone.classList.add("drop-target");
  });
  document.addEventListener("dragleave", function (event) {
    var zone = event.target.closest && event.target.closest("[data-dropzone]");
    if (zone && !zone.contains(event.relatedTarget)) zone.classList.remove("drop-target");
  });
  document.addEventListener("drop", function (event) {
    var zone = event.target.closest && event.target.closest("[data-dropzone]");
    if (!zone || !origin) return;
    event.preventDefault();
    zone.classList.remove("drop-target");
    var card = document.getElementById(event.dataTransfer.getData("text/plain")) || origin.card;
    if (!card || card.dataset.stageId === zone.dataset.stageId) { origin = null; return; }
    var form = card.querySelector(".move-form");
    if (!form) return;
    form.querySelector("select[name=stage]").value = zone.dataset.stageId;
    if (zone.dataset.stageKind === "rejected") {
      // A rejection needs a reason: open the card's menu on the reason field instead of posting.
      var menu = card.querySelector("details.move-menu");
      menu.open = true;
      var reason = form.querySelector("textarea[name=reason]");
      reason.required = true;
      origin = null;
      // After the drag has fully ended; the browser moves focus around while it finishes.
      window.setTimeout(function () {
        card.scrollIntoView({ block: "nearest", inline: "nearest" });
        reason.focus();
      }, 50);
      return;
    }
    zone.insertBefore(card, zone.firstChild);
    form.requestSubmit();
  });

  // The reason box is required when the chosen stage is a rejection.
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches(".move-form select[name=stage], #bulk-stage")) return;
    var option = select.options[select.selectedIndex];
    var reason = select.form.querySelector("[name=reason]");
    if (reason) reason.required = option && option.dataset.kind === "rejected";
  });

  // After a move the server inserts the card into its column out of band: keep keyboard
  // focus on it (the old card, and whatever had focus inside it, is gone).
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    var card = event.target;
    if (!card.matches || !card.matches("[data-card]")) return;
    origin = null;
    // After htmx has settled the swap; focusing during it does not stick.
    window.setTimeout(function () {
      var current = document.getElementById(card.id);
      if (current) current.focus();
    }, 80);
  });

  // ---- Dialogs: links marked data-opens-modal load into #modal-body and open the dialog. ----
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "modal-body") {
      var dialog = document.getElementById("modal");
      if (dialog && !dialog.open) dialog.showModal();
    }
  });
  document.addEventListener("click", function (event) {
    var closer = event.target.closest && event.target.closest("[data-closes-modal]");
    var dialog = document.getElementById("modal");
    if (closer && dialog && dialog.open && dialog.contains(closer)) {
      event.preventDefault();
      dialog.close();
    }
    var reset = event.target.closest && event.target.closest("[data-reset-form]");
    if (reset && reset.form !== null) {
      var form = reset.closest("form");
      if (form) form.querySelectorAll("input, select").forEach(function (field) {
        if (field.type === "checkbox") field.checked = false;
        else if (field.type !== "hidden") field.value = "";
      });
    }
  });

  // ---- Job form: live total of the score weights, and a tag input for skills. ----
  function updateWeights(box) {
    var total = 0;
    box.querySelectorAll("input.weight").forEach(function (input) { total += parseFloat(input.value || "0") || 0; });
    var out = box.querySelector("[data-weights-total]");
    if (out) {
      out.textContent = total.toFixed(2) + (Math.abs(total - 1) > 0.005 ? " — must be 1.00" : " ✓");
    }
  }
  function initWeights(root) {
    root.querySelectorAll("[data-weights]").forEach(function (box) {
      updateWeights(box);
      box.addEventListener("input", function () { updateWeights(box); });
    });
  }

  function initTagInput(input) {
    if (input.dataset.enhanced) return;
    input.dataset.enhanced = "1";
    var box = document.createElement("div");
    box.className = "tag-box";
    var entry = document.createElement("input");
    entry.type = "text";
    entry.setAttribute("list", input.getAttribute("list"));
    entry.setAttribute("aria-label", "Add a skill");
    entry.placeholder = "Type a skill, press Enter";
    input.type = "hidden";
    input.parentNode.insertBefore(box, input.nextSibling);
    function tags() { return input.value.split(",").map(function (s) { return s.trim(); }).filter(Boolean); }
    function render() {
      box.querySelectorAll(".tag").forEach(function (tag) { tag.remove(); });
      tags().forEach(function (name) {
        var tag = document.createElement("span");
        tag.className = "tag";
        tag.textContent = name;
        var remove = document.createElement("button");
        remove.type = "button";
        remove.textContent = "×";
        remove.setAttribute("aria-label", "Remove " + name);
        remove.addEventListener("click", function () {
          input.value = tags().filter(function (t) { return t !== name; }).join(", ");
          render();
          entry.focus();
        });
        tag.appendChild(remove);
        box.insertBefore(tag, entry);
      });
    }
    function add() {
      var name = entry.value.replace(/,/g, " ").trim();
      if (!name) return;
      var current = tags();
      if (current.map(function (t) { return t.toLowerCase(); }).indexOf(name.toLowerCase()) === -1) current.push(name);
      input.value = current.join(", ");
      entry.value = "";
      render();
    }
    entry.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === ",") { event.preventDefault(); add(); }
      else if (event.key === "Backspace" && !entry.value) {
        var current = tags(); current.pop(); input.value = current.join(", "); render();
      }
    });
    entry.addEventListener("change", add);
    if (input.form) input.form.addEventListener("submit", add);
    box.appendChild(entry);
    render();
  }

  // ---- Rich text: a small formatting editor over the job description textarea. The server
  // sanitises whatever arrives (nh3), so the editor only needs to produce the allowed tags.
  var RICH_TEXT_COMMANDS = [
    ["bold", "B", "Bold"],
    ["italic", "I", "Italic"],
    ["formatBlock:h3", "H", "Heading"],
    ["insertUnorderedList", "• List", "Bulleted list"],
    ["insertOrderedList", "1. List", "Numbered list"],
    ["createLink", "Link", "Link"],
    ["removeFormat", "Clear", "Clear formatting"],
  ];
  var RICH_TEXT_TAGS = ["P", "BR", "STRONG", "B", "EM", "I", "U", "UL", "OL", "LI", "H2", "H3", "H4", "A", "BLOCKQUOTE", "DIV"];
  // Re-displayed form input may hold anything; keep only what the server would keep.
  function cleanHtml(html) {
    var doc = new DOMParser().parseFromString("<body>" + html + "</body>", "text/html");
    (function walk(node) {
      Array.prototype.slice.call(node.childNodes).forEach(function (child) {
        if (child.nodeType === 3) return;
        if (child.nodeType !== 1 || RICH_TEXT_TAGS.indexOf(child.tagName) === -1) {
          if (child.nodeType === 1 && ["SCRIPT", "STYLE", "IFRAME", "OBJECT"].indexOf(child.tagName) === -1) {
            walk(child);
            while (child.firstChild) node.insertBefore(child.firstChild, child);
          }
          node.removeChild(child);
          return;
        }
        Array.prototype.slice.call(child.attributes).forEach(function (attribute) {
          var keep = child.tagName === "A" && attribute.name === "href" && /^https?:\/\//i.test(attribute.value);
          if (!keep) child.removeAttribute(attribute.name);
        });
        walk(child);
      });
    })(doc.body);
    return doc.body.innerHTML;
  }

  function initRichText(textarea) {
    if (textarea.dataset.enhanced) return;
    textarea.dataset.enhanced = "1";
    var toolbar = document.createElement("div");
    toolbar.className = "rt-toolbar";
    toolbar.setAttribute("role", "toolbar");
    toolbar.setAttribute("aria-label", "Formatting");
    var editor = document.createElement("div");
    editor.className = "rt-editor";
    editor.contentEditable = "true";
    editor.setAttribute("role", "textbox");
    editor.setAttribute("aria-multiline", "true");
    var label = textarea.id && document.querySelector("label[for='" + textarea.id + "']");
    if (label) {
      if (!label.id) label.id = textarea.id + "-label";
      editor.setAttribute("aria-labelledby", label.id);
    }
    editor.innerHTML = cleanHtml(textarea.value);
    RICH_TEXT_COMMANDS.forEach(function (spec) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "secondary small";
      button.textContent = spec[1];
      button.setAttribute("aria-label", spec[2]);
      button.addEventListener("mousedown", function (event) { event.preventDefault(); });
      button.addEventListener("click", function () {
        editor.focus();
        var parts = spec[0].split(":");
        if (parts[0] === "createLink") {
          var url = window.prompt("Link address (https://…)");
          if (url && /^https?:\/\//i.test(url)) document.execCommand("createLink", false, url);
        } else {
          document.execCommand(parts[0], false, parts[1] || null);
        }
        textarea.value = editor.innerHTML;
      });
      toolbar.appendChild(button);
    });
    editor.addEventListener("input", function () { textarea.value = editor.innerHTML; });
    textarea.hidden = true;
    textarea.parentNode.insertBefore(toolbar, textarea);
    textarea.parentNode.insertBefore(editor, textarea);
  }

  function init(root) {
    initWeights(root);
    root.querySelectorAll("input.tag-input").forEach(initTagInput);
    root.querySelectorAll("textarea.rich-text").forEach(initRichText);
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.detail.elt); });
})();
