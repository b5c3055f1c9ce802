// Small progressive enhancements; every page works without this file.
document.addEventListener("htmx:responseError", function (event) {
  var box = document.getElementById("messages");
  if (!box) return;
  var note = document.createElement("div");
  note.className = "message message-error";
  note.setAttribute("role", "alert");
  var text = event.detail.xhr.getResponseHeader("HX-Error-Message") || "That did not work (" + event.detail.xhr.status + "). Please try again.";
  note.textContent = text;
  box.appendChild(note);
});
