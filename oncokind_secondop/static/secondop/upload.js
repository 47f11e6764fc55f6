/*
 * Upload progress for large files: progressive enhancement of plain forms.
 *
 * Without JavaScript the form posts normally and the server answers as usual
 * (a redirect on success, the form again with its errors on failure). With
 * JavaScript, this module sends the same form with XMLHttpRequest so it can
 * show a progress bar, then follows the server's answer.
 *
 * Markup contract (CSP-safe: no inline script or style needed):
 *
 *   <script src="{{ url_for('secondop.static', filename='secondop/upload.js') }}" defer></script>
 *
 *   <div id="upload-region" data-secondop-upload-region>      <- replaced on error (needs an id)
 *     <form method="post" enctype="multipart/form-data" action="..."
 *           data-secondop-upload
 *           data-secondop-max-bytes="2147483648"              (optional: refuse bigger files early)
 *           data-msg-progress="{{ _s('Uploading: %(percent)s%% sent') }}"
 *           data-msg-processing="{{ _s('Checking the file. This can take a minute for large files.') }}"
 *           data-msg-done="{{ _s('Upload finished. Opening the next page.') }}"
 *           data-msg-failed="{{ _s('The upload did not finish. Please check your connection and try again.') }}"
 *           data-msg-too-large="{{ _s('This file is too large. The most we can take is %(limit)s.') }}"
 *           data-limit-text="{{ secondop_filesize(max_bytes) }}">
 *       <input type="hidden" name="csrf_token" value="{{ csrf_token() }}">   <- first, before the file
 *       ... other fields ...
 *       <input type="file" name="file" id="file" multiple>
 *       <div class="secondop-upload-status" data-secondop-upload-status hidden>   (optional: made if absent)
 *         <progress max="100" value="0"></progress>
 *         <p aria-live="polite" data-secondop-upload-text></p>
 *       </div>
 *       <button type="submit">...</button>
 *     </form>
 *   </div>
 *
 * Placeholders: "%(percent)s" and "%(limit)s" are replaced here ("%%" is a
 * literal "%", as gettext strings with parameters write it).
 * Behaviour:
 *  - The CSRF token is also sent as the X-CSRFToken header, so the server
 *    refuses a bad token before reading the body.
 *  - Success: the server answers with uploads.upload_redirect(url): a 303
 *    for a plain post, or, for this module's request (it sends
 *    X-Requested-With: XMLHttpRequest), a 204 with X-Secondop-Location,
 *    which this module opens. A plain 303 works too (followed inside the
 *    request, then opened: the page is fetched twice).
 *  - Error (4xx/5xx) with an HTML page: the element with the region's id in
 *    that page replaces the region here (the form comes back with the user's
 *    values and its error summary, which gets the focus); without a region,
 *    the message of the page's [data-secondop-upload-error] or
 *    .secondop-error-summary element, or data-msg-failed, is shown.
 *  - Network failure or a connection the server closed (e.g. 413 before
 *    reading): data-msg-failed, and the form can be sent again.
 *  - While sending, leaving the page asks for confirmation.
 * The progress text is announced at most every 10 percent.
 */
(function () {
  "use strict";

  function format(template, values) {
    return String(template || "")
      .replace(/%\((\w+)\)s/g, function (match, name) {
        return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : match;
      })
      .replace(/%%/g, "%");
  }

  function statusParts(form) {
    var status = form.querySelector("[data-secondop-upload-status]");
    if (!status) {
      status = document.createElement("div");
      status.className = "secondop-upload-status";
      status.setAttribute("data-secondop-upload-status", "");
      status.hidden = true;
      status.innerHTML =
        '<progress max="100" value="0"></progress>' +
        '<p aria-live="polite" data-secondop-upload-text></p>';
      var submit = form.querySelector('[type="submit"]');
      if (submit && submit.parentNode) {
        submit.parentNode.insertBefore(status, submit);
      } else {
        form.appendChild(status);
      }
    }
    var text = status.querySelector("[data-secondop-upload-text]");
    if (!text) {
      text = document.createElement("p");
      text.setAttribute("aria-live", "polite");
      text.setAttribute("data-secondop-upload-text", "");
      status.appendChild(text);
    }
    return { status: status, progress: status.querySelector("progress"), text: text };
  }

  function tooLarge(form) {
    var max = parseInt(form.getAttribute("data-secondop-max-bytes") || "", 10);
    if (!max) return false;
    var inputs = form.querySelectorAll('input[type="file"]');
    for (var i = 0; i < inputs.length; i++) {
      var files = inputs[i].files || [];
      for (var j = 0; j < files.length; j++) {
        if (files[j].size > max) return true;
      }
    }
    return false;
  }

  function csrfToken(form) {
    var field = form.querySelector('input[name="csrf_token"]');
    return field ? field.value : "";
  }

  function showMessage(parts, message) {
    parts.status.hidden = false;
    if (parts.progress) parts.progress.hidden = true;
    parts.text.textContent = message;
    parts.text.setAttribute("role", "alert");
  }

  function replaceRegion(form, responseText) {
    var region = form.closest("[data-secondop-upload-region]");
    if (!region || !region.id) return false;
    var page = new DOMParser().parseFromString(responseText, "text/html");
    var fresh = page.getElementById(region.id);
    if (!fresh) return false;
    var imported = document.importNode(fresh, true);
    region.replaceWith(imported);
    enhanceAll(imported);
    var focus = imported.querySelector("[data-secondop-focus]") ||
      imported.querySelector('[aria-invalid="true"]');
    if (focus) {
      if (!focus.hasAttribute("tabindex") && !/^(INPUT|SELECT|TEXTAREA|BUTTON|A)$/.test(focus.tagName)) {
        focus.setAttribute("tabindex", "-1");
      }
      focus.focus();
    }
    return true;
  }

  function errorText(responseText) {
    var page = new DOMParser().parseFromString(responseText || "", "text/html");
    var node = page.querySelector("[data-secondop-upload-error]") ||
      page.querySelector(".secondop-error-summary");
    return node ? node.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function send(form, submitter) {
    var parts = statusParts(form);
    var failed = form.getAttribute("data-msg-failed") || "Upload failed.";
    var buttons = form.querySelectorAll('[type="submit"]');
    var lastAnnounced = -10;
    var data;
    try {
      data = submitter ? new FormData(form, submitter) : new FormData(form);
    } catch (e) {
      data = new FormData(form); // older browsers: no submitter argument
    }

    function setBusy(busy) {
      form.setAttribute("aria-busy", busy ? "true" : "false");
      for (var i = 0; i < buttons.length; i++) buttons[i].disabled = busy;
      if (busy) {
        window.addEventListener("beforeunload", warnLeaving);
      } else {
        window.removeEventListener("beforeunload", warnLeaving);
      }
    }

    var xhr = new XMLHttpRequest();
    xhr.open((form.getAttribute("method") || "post").toUpperCase(), form.action);
    xhr.setRequestHeader("X-CSRFToken", csrfToken(form));
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");

    xhr.upload.addEventListener("progress", function (event) {
      if (!event.lengthComputable) return;
      var percent = Math.floor((event.loaded / event.total) * 100);
      if (parts.progress) parts.progress.value = percent;
      if (percent - lastAnnounced >= 10 || percent === 100) {
        lastAnnounced = percent;
        parts.text.textContent = format(form.getAttribute("data-msg-progress"), { percent: percent });
      }
    });
    xhr.upload.addEventListener("load", function () {
      if (parts.progress) parts.progress.removeAttribute("value"); // indeterminate while checked
      parts.text.textContent = form.getAttribute("data-msg-processing") || "";
    });
    xhr.addEventListener("load", function () {
      setBusy(false);
      var named = xhr.getResponseHeader("X-Secondop-Location");
      if (xhr.status >= 200 && xhr.status < 300 && named) {
        parts.text.textContent = form.getAttribute("data-msg-done") || "";
        window.location.assign(new URL(named, document.baseURI).href);
        return;
      }
      if (xhr.status >= 200 && xhr.status < 400) {
        var target = xhr.responseURL || "";
        var posted = new URL(form.action, document.baseURI).href;
        if (target && target !== posted) {
          parts.text.textContent = form.getAttribute("data-msg-done") || "";
          window.location.assign(target);
          return;
        }
      }
      if (replaceRegion(form, xhr.responseText)) return;
      showMessage(parts, errorText(xhr.responseText) || failed);
    });
    function onFailure() {
      setBusy(false);
      showMessage(parts, failed);
    }
    xhr.addEventListener("error", onFailure);
    xhr.addEventListener("abort", onFailure);
    xhr.addEventListener("timeout", onFailure);

    parts.status.hidden = false;
    parts.text.removeAttribute("role");
    if (parts.progress) {
      parts.progress.hidden = false;
      parts.progress.value = 0;
    }
    parts.text.textContent = format(form.getAttribute("data-msg-progress"), { percent: 0 });
    setBusy(true);
    xhr.send(data);
  }

  function warnLeaving(event) {
    event.preventDefault();
    event.returnValue = "";
  }

  function enhance(form) {
    if (form.hasAttribute("data-secondop-upload-ready")) return;
    if (!window.FormData || !window.XMLHttpRequest || !window.DOMParser) return; // plain form
    form.setAttribute("data-secondop-upload-ready", "");
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("aria-busy") === "true") {
        event.preventDefault();
        return;
      }
      if (tooLarge(form)) {
        event.preventDefault();
        showMessage(statusParts(form), format(form.getAttribute("data-msg-too-large"),
          { limit: form.getAttribute("data-limit-text") || "" }));
        return;
      }
      event.preventDefault();
      send(form, event.submitter || null);
    });
  }

  function enhanceAll(root) {
    var forms = (root || document).querySelectorAll("form[data-secondop-upload]");
    for (var i = 0; i < forms.length; i++) enhance(forms[i]);
    if (root && root.matches && root.matches("form[data-secondop-upload]")) enhance(root);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhanceAll(document); });
  } else {
    enhanceAll(document);
  }
})();
