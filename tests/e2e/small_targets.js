// Interactive elements smaller than 44 × 44 px on the page, for tests/e2e/test_accessibility.py.
// A link inside running text is exempt; a checkbox or radio counts with its label.
() => {
  const out = [];
  for (const el of document.querySelectorAll("a[href], button, input, select, textarea")) {
    if (el.type === "hidden" || el.closest(".visually-hidden, .visually-hidden-focusable")) continue;
    if (el.tagName === "A" && el.closest("p, li:not(.nav-item), td, .breadcrumb, small, .small, .form-text, h1, h2, h3, h4, h5, dd")) continue;
    let target = el;
    if (el.classList.contains("btn-check")) target = document.querySelector(`label[for="${el.id}"]`) || el;
    else if (el.type === "checkbox" || el.type === "radio") target = el.closest(".form-check, label") || el;
    const box = target.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;  // not shown (a collapsed menu)
    if (box.height < 44 || box.width < 44) {
      out.push(`${el.tagName.toLowerCase()}.${String(el.className).split(" ")[0]} «${(el.innerText || el.name || "").trim().slice(0, 30)}» ${Math.round(box.width)}×${Math.round(box.height)}`);
    }
  }
  return out;
}
