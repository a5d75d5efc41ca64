// What the phone checks measure in the page (phone.py): called with the tap size in px.
(TAP) => {
  const visible = (el) => {
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none";
  };
  // A link that is part of a sentence: its block has text of its own besides the link.
  const inSentence = (a) => {
    const block = a.closest("p, li, td, dd, small, span, label, h1, h2, h3, figcaption, blockquote");
    if (!block) return false;
    const own = block.innerText.replace(a.innerText, "").trim();
    return own.length > 0 && !a.closest("nav, .tabs, .actions, .menu-items");
  };
  const targets = [];
  const selector = "button, .button, input:not([type=hidden]):not([type=radio]):not([type=checkbox]), " +
                   "select, textarea, summary, a[href]";
  for (const el of document.querySelectorAll(selector)) {
    if (!visible(el) || el.closest("dialog:not([open])")) continue;
    if (el.matches("a[href]:not(.button)") && inSentence(el)) continue;
    const r = el.getBoundingClientRect();
    // A radio or checkbox counts by its label (the whole row is the target).
    if (r.height < TAP) {
      targets.push({tag: el.tagName.toLowerCase(), text: (el.innerText || el.value || el.name || "").trim().slice(0, 40),
                    height: Math.round(r.height), cls: el.className});
    }
  }
  for (const box of document.querySelectorAll("input[type=radio], input[type=checkbox]")) {
    if (!visible(box)) continue;
    const label = box.closest("label") || document.querySelector(`label[for="${box.id}"]`);
    const h = (label || box).getBoundingClientRect().height;
    if (h < TAP) targets.push({tag: "label", text: (label ? label.innerText : box.name).trim().slice(0, 40),
                                  height: Math.round(h), cls: ""});
  }
  const header = document.querySelector("header.top");
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    header: header ? Math.round(header.getBoundingClientRect().height) : 0,
    small: targets,
    text: document.body.innerText,
    lang: document.documentElement.lang,
  };
}
