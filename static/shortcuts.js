// Keyboard shortcuts, documented on /aide: "/" goes to the quick search, "n" opens a new
// saisine, "?" the help page. Progressive enhancement: every page works without this file.
//
// A shortcut is a single key pressed alone (no Ctrl, Alt or Meta: those belong to the browser
// and to assistive technology), outside any text field, list or editable area (where the key
// is typed), and never a key another handler already took. /aide turns them off for a browser
// (WCAG 2.1.4): the page then no longer loads this file.
(function () {
  "use strict";

  function isTyping(element) {
    if (!element || element.nodeType !== 1) {
      return false;
    }
    if (element.isContentEditable || element.closest("[contenteditable]:not([contenteditable=false])")) {
      return true;
    }
    var tag = element.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") {
      return true;
    }
    if (tag === "INPUT") {
      // Buttons, boxes and radios take no text: a letter there is a shortcut again.
      var kind = (element.getAttribute("type") || "text").toLowerCase();
      return ["button", "checkbox", "radio", "submit", "reset", "image", "file", "color", "range"].indexOf(kind) < 0;
    }
    // A widget that handles keys itself (a listbox, a grid…).
    var role = element.getAttribute("role");
    return role === "textbox" || role === "combobox" || role === "listbox" || role === "grid";
  }

  function target(key) {
    return document.querySelector('[data-shortcut="' + key + '"]');
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey || event.isComposing) {
      return;
    }
    if (isTyping(event.target) || isTyping(document.activeElement)) {
      return;
    }
    var key = event.key;
    if (key !== "/" && key !== "n" && key !== "?") {
      return;
    }
    var element = target(key);
    if (!element) {
      return;
    }
    event.preventDefault();
    if (element.tagName === "INPUT") {
      element.focus();
      element.select();
    } else if (element.href) {
      window.location.assign(element.href);
    }
  });
})();
