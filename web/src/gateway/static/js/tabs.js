// Keyboard-usable tabs (WAI-ARIA tabs pattern): arrows move, the panel follows.

export function tabs(list, onShow) {
  const buttons = [...list.querySelectorAll('[role="tab"]')];
  const select = (button) => {
    for (const other of buttons) {
      const selected = other === button;
      other.setAttribute("aria-selected", String(selected));
      other.tabIndex = selected ? 0 : -1;
      document.getElementById(other.getAttribute("aria-controls")).hidden = !selected;
    }
    onShow(button.id.replace("tab-", ""));
  };
  for (const button of buttons) {
    button.addEventListener("click", () => select(button));
    button.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (!step) return;
      const next = buttons[(buttons.indexOf(button) + step + buttons.length) % buttons.length];
      next.focus();
      select(next);
    });
  }
}
