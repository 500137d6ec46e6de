/*
 * «Школа наставничества»: page behaviour.
 *
 * Templates carry no inline scripts (the site runs under a Content-Security-Policy);
 * they mark elements with data attributes instead:
 *
 *   data-confirm="Text?"   on a link, a button or a form: ask before following/submitting.
 *   data-autosubmit        on a select/input: submit its form when the value changes;
 *                          on a form: submit it when any select, checkbox, radio or
 *                          date field inside it changes (filter forms).
 *   data-wait[="Text"]     on a form: once it is submitted, disable its submit buttons
 *                          and show a spinner (and the text, if any) on the one used.
 *   data-no-wait           on a submit button of such a form (e.g. a download): neither
 *                          the form's data-confirm nor its data-wait applies to it.
 *   data-print             on a button: print the page.
 *   data-job-status="url"  on a background job's card: poll the URL (JSON: status,
 *                          finished, progress, step) every second, move the
 *                          <progress> bar, and reload the page when the job ends.
 *   data-check-all="name"  on a checkbox: tick or untick every checkbox named
 *                          "name" (bulk actions on a list); it shows whether all,
 *                          some or none are ticked.
 *   data-topic-from="id"   on a text field: when the select with that id changes, put
 *                          the chosen option's data-topic into the field, unless the
 *                          user typed their own (the field is empty or holds the
 *                          data-topic of one of the options).
 *
 *   a link to /export/…    (a PDF or a spreadsheet made while the user waits): a
 *                          spinner on the link and «Preparing the file…» in the
 *                          page's status region until the download starts (a few
 *                          seconds at most; the browser gives no signal).
 *
 * The default "please wait" text comes from <body data-wait-text="…">, and the
 * file's from <body data-file-wait-text="…">, so both are translated by the
 * template, not here.
 */
(function () {
  "use strict";

  var AUTOSUBMIT_IN_FORM =
    'select, input[type="checkbox"], input[type="radio"], input[type="date"], input[type="month"]';

  function submitForm(form) {
    if (!form) {
      return;
    }
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit(); // fires "submit", so data-confirm and data-wait still apply
    } else {
      form.submit();
    }
  }

  // data-confirm on links and buttons.
  document.addEventListener(
    "click",
    function (event) {
      var element = event.target.closest("[data-confirm]");
      if (!element || element.tagName === "FORM") {
        return;
      }
      if (!window.confirm(element.getAttribute("data-confirm"))) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );

  // data-confirm on forms; skipped when the button used already asked.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-confirm")) {
      return;
    }
    if (event.submitter && (event.submitter.hasAttribute("data-confirm") || event.submitter.hasAttribute("data-no-wait"))) {
      return;
    }
    if (!window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  // data-wait: disable the buttons once the submission really goes ahead.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-wait") || (event.submitter && event.submitter.hasAttribute("data-no-wait"))) {
      return;
    }
    var submitter = event.submitter;
    // Wait a tick: another handler may still cancel the submission, and the
    // submitter's name/value must be read before the button is disabled.
    window.setTimeout(function () {
      if (event.defaultPrevented || form.getAttribute("aria-busy") === "true") {
        return;
      }
      var text =
        form.getAttribute("data-wait") ||
        document.body.getAttribute("data-wait-text") ||
        "";
      form.setAttribute("aria-busy", "true");
      var buttons = form.querySelectorAll('button[type="submit"], button:not([type]), input[type="submit"]');
      Array.prototype.forEach.call(buttons, function (button) {
        button.setAttribute("data-wait-was-disabled", button.disabled ? "1" : "0");
        button.disabled = true;
      });
      var target = submitter || buttons[0];
      if (target && target.tagName === "BUTTON") {
        target.setAttribute("data-wait-html", target.innerHTML);
        var spinner = document.createElement("span");
        spinner.className = "spinner-border spinner-border-sm me-1";
        spinner.setAttribute("aria-hidden", "true");
        if (text) {
          var label = document.createElement("span");
          label.setAttribute("role", "status");
          label.textContent = text;
          target.textContent = "";
          target.appendChild(spinner);
          target.appendChild(label);
        } else {
          target.insertBefore(spinner, target.firstChild);
        }
      }
    }, 0);
  });

  // Coming back with the browser's Back button may restore a page from the cache
  // with its buttons still disabled: give them back.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) {
      return;
    }
    Array.prototype.forEach.call(document.querySelectorAll('form[aria-busy="true"]'), function (form) {
      form.removeAttribute("aria-busy");
      Array.prototype.forEach.call(form.querySelectorAll("[data-wait-was-disabled]"), function (button) {
        button.disabled = button.getAttribute("data-wait-was-disabled") === "1";
        button.removeAttribute("data-wait-was-disabled");
        if (button.hasAttribute("data-wait-html")) {
          button.innerHTML = button.getAttribute("data-wait-html");
          button.removeAttribute("data-wait-html");
        }
      });
    });
  });

  // data-autosubmit: filter selects and the organisation switcher.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (!field.form) {
      return;
    }
    if (field.hasAttribute("data-autosubmit")) {
      submitForm(field.form);
    } else if (field.form.hasAttribute("data-autosubmit") && field.matches(AUTOSUBMIT_IN_FORM)) {
      submitForm(field.form);
    }
  });

  // data-check-all
  function boxesFor(master) {
    var name = master.getAttribute("data-check-all");
    return Array.prototype.filter.call(
      document.querySelectorAll('input[type="checkbox"]'),
      function (box) {
        return box.name === name && !box.disabled && box !== master;
      }
    );
  }

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.hasAttribute && field.hasAttribute("data-check-all")) {
      boxesFor(field).forEach(function (box) {
        box.checked = field.checked;
      });
      field.indeterminate = false;
      return;
    }
    if (field.type !== "checkbox" || !field.name) {
      return;
    }
    Array.prototype.forEach.call(document.querySelectorAll("[data-check-all]"), function (master) {
      if (master.getAttribute("data-check-all") !== field.name) {
        return;
      }
      var boxes = boxesFor(master);
      var ticked = boxes.filter(function (box) { return box.checked; }).length;
      master.checked = boxes.length > 0 && ticked === boxes.length;
      master.indeterminate = ticked > 0 && ticked < boxes.length;
    });
  });

  // data-topic-from: the meeting topic follows the meeting type's default topic.
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.tagName !== "SELECT" || !select.id) {
      return;
    }
    var fields = document.querySelectorAll('[data-topic-from="' + select.id + '"]');
    if (!fields.length) {
      return;
    }
    var defaults = Array.prototype.map.call(select.options, function (option) {
      return option.getAttribute("data-topic") || "";
    });
    var chosen = select.options[select.selectedIndex];
    var topic = chosen ? chosen.getAttribute("data-topic") || "" : "";
    Array.prototype.forEach.call(fields, function (field) {
      var typed = field.value.trim();
      if (typed === "" || defaults.indexOf(typed) !== -1) {
        field.value = topic;
      }
    });
  });

  // data-print
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });

  // data-job-status: a background job's progress.
  Array.prototype.forEach.call(document.querySelectorAll("[data-job-status]"), function (card) {
    if (card.getAttribute("data-job-finished") === "1" || !window.fetch) {
      return;
    }
    var url = card.getAttribute("data-job-status");
    var bar = card.querySelector("progress");
    var percent = card.querySelector("[data-job-percent]");
    var step = card.querySelector("[data-job-step]");
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (state) {
          if (!state) {
            return window.setTimeout(poll, 3000);
          }
          if (state.finished) {
            window.location.reload();
            return;
          }
          if (bar && state.progress !== null) {
            bar.value = state.progress;
            bar.textContent = state.progress + " %";
          }
          if (percent) {
            percent.textContent = state.progress === null ? "" : state.progress + " %";
          }
          if (step) {
            step.textContent = state.step || "";
          }
          window.setTimeout(poll, 1000);
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    }
    window.setTimeout(poll, 1000);
  });

  // A table wider than its box scrolls sideways: the box takes the keyboard focus
  // (arrow keys scroll it), named after the table's caption or the section's
  // heading for a screen reader.
  function focusableScrollers() {
    Array.prototype.forEach.call(document.querySelectorAll(".table-responsive"), function (box) {
      if (box.scrollWidth <= box.clientWidth || box.hasAttribute("tabindex")) {
        return;
      }
      box.setAttribute("tabindex", "0");
      if (!box.hasAttribute("aria-label")) {
        var caption = box.querySelector("caption");
        var section = box.closest("section, .card");
        var heading = section && section.querySelector("h2, h3, h4");
        var name = (caption || heading || {}).textContent;
        if (name) {
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", name.trim());
        }
      }
    });
  }
  // A file made while the user waits: say so on the link and to screen readers.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest('a[href*="/export/"]');
    if (!link || link.getAttribute("aria-busy") === "true" || event.defaultPrevented) {
      return;
    }
    var text = document.body.getAttribute("data-file-wait-text") || "";
    var status = document.getElementById("site-status");
    var spinner = document.createElement("span");
    spinner.className = "spinner-border spinner-border-sm ms-1";
    spinner.setAttribute("aria-hidden", "true");
    link.setAttribute("aria-busy", "true");
    link.appendChild(spinner);
    if (status) {
      status.textContent = text;
    }
    window.setTimeout(function () {
      link.removeAttribute("aria-busy");
      spinner.remove();
      if (status && status.textContent === text) {
        status.textContent = "";
      }
    }, 4000);
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusableScrollers);
  } else {
    focusableScrollers();
  }

})();
