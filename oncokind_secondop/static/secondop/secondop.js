/*
 * Small progressive enhancement shared by every page (loaded by _layout.html;
 * no inline script, so the strict CSP holds). Pages work without it.
 *
 * When a page comes back with form errors, the error summary carries
 * data-secondop-focus: move the focus there so a screen reader announces it
 * and a keyboard user starts from the list of links to the fields.
 */
(function () {
  "use strict";

  function focusMarked() {
    var target = document.querySelector("[data-secondop-focus]");
    if (!target) {
      return;
    }
    if (!target.hasAttribute("tabindex")) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusMarked);
  } else {
    focusMarked();
  }
})();
