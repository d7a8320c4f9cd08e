// Keyboard-usable tabs (WAI-ARIA tabs pattern): arrows, Home and End move, the panel
// follows. Tabs may be added later (the admin's), so the buttons are looked up each time.
// The selected view is kept in the URL's fragment (#orders), so a reload or a sign-in
// comes back to it.

export class Tabs {
  constructor(list, onShow) {
    Object.assign(this, { list, onShow });
    list.addEventListener("click", (event) => {
      const button = event.target.closest('[role="tab"]');
      if (button) this.select(button, { remember: true });
    });
    list.addEventListener("keydown", (event) => {
      const button = event.target.closest('[role="tab"]');
      if (button) this.move(button, event);
    });
  }

  buttons() {
    return [...this.list.querySelectorAll('[role="tab"]')];
  }

  has(name) {
    return this.buttons().some((button) => nameOf(button) === name);
  }

  show(name, { remember = false } = {}) {
    const button = this.buttons().find((candidate) => nameOf(candidate) === name);
    if (button) this.select(button, { remember });
  }

  selected() {
    const button = this.buttons().find((candidate) => candidate.getAttribute("aria-selected") === "true");
    return button ? nameOf(button) : "shop";
  }

  select(button, { remember }) {
    for (const other of this.buttons()) {
      const selected = other === button;
      other.setAttribute("aria-selected", String(selected));
      other.tabIndex = selected ? 0 : -1;
      document.getElementById(other.getAttribute("aria-controls")).hidden = !selected;
    }
    const name = nameOf(button);
    if (remember) history.replaceState(null, "", `${location.pathname}${location.search}#${name}`);
    this.onShow(name);
  }

  move(button, event) {
    const buttons = this.buttons();
    const index = buttons.indexOf(button);
    const target = {
      ArrowRight: buttons[(index + 1) % buttons.length],
      ArrowLeft: buttons[(index - 1 + buttons.length) % buttons.length],
      Home: buttons[0],
      End: buttons[buttons.length - 1],
    }[event.key];
    if (!target) return;
    event.preventDefault();
    target.focus();
    this.select(target, { remember: true });
  }
}

function nameOf(button) {
  return button.id.replace("tab-", "");
}
