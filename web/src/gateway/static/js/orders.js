// The orders tab: a signed-in user's own orders (an admin's: everyone's), read from the
// order service; and the guest orders placed or opened in this browser, each read and
// cancelled with its secret.

import { ApiError, api, money } from "./api.js";
import { el, say } from "./dom.js";
import { forgetGuestOrder, guestOrders, rememberGuestOrder, secretHeader } from "./guest-orders.js";
import { explained } from "./messages.js";

const PAGE_SIZE = 20;

function orderRow(order, onCancel) {
  const items = order.items.map((i) => `${i.quantity} × ${i.skuCode}`).join(", ");
  const action = order.status === "CONFIRMED"
    ? el("button", {
      type: "button", "aria-label": `Cancel order ${order.orderNumber.slice(0, 8)}`, onclick: onCancel,
    }, "Cancel")
    : "";
  return el(
    "tr",
    { "data-order": order.orderNumber },
    el("td", { class: "mono", title: order.orderNumber }, order.orderNumber.slice(0, 8)),
    el("td", {}, new Date(order.createdAt).toLocaleString()),
    el("td", {}, items),
    el("td", {}, money.format(order.total)),
    el("td", {}, el("span", { class: `badge ${order.status}` }, order.status)),
    el("td", {}, action),
  );
}

function emptyRow(text) {
  return el("tr", {}, el("td", { colspan: "6", class: "muted" }, text));
}

export class MyOrders {
  constructor({ section, heading, body, message, refresh, more, onCancelled }) {
    Object.assign(this, { section, heading, body, message, more, onCancelled });
    this.page = 0;
    refresh.addEventListener("click", () => this.load());
    more.addEventListener("click", () => this.loadPage(this.page + 1));
  }

  show({ signedIn, admin }) {
    this.section.hidden = !signedIn;
    this.heading.textContent = admin ? "All orders" : "My orders";
  }

  async load() {
    if (this.section.hidden) return;
    await this.loadPage(0);
  }

  async loadPage(page) {
    let orders;
    try {
      orders = await api("GET", `/api/order?${new URLSearchParams({ page, size: PAGE_SIZE })}`);
    } catch (error) {
      say(this.message, explained("Your orders could not be loaded.", error), "error");
      return;
    }
    this.page = page;
    const rows = orders.map((order) => orderRow(order, () => this.cancel(order)));
    if (page === 0) this.body.replaceChildren(...rows);
    else this.body.append(...rows);
    if (page === 0 && !rows.length) this.body.append(emptyRow("You have not placed any order yet."));
    this.more.hidden = orders.length < PAGE_SIZE;
    if (this.message.classList.contains("error")) say(this.message, "");
  }

  async cancel(order) {
    try {
      await api("POST", `/api/order/${order.orderNumber}/cancel`);
      say(this.message, `Order ${order.orderNumber.slice(0, 8)} cancelled; its stock is back.`, "ok");
      this.onCancelled();
    } catch (error) {
      say(this.message, explained("The order was not cancelled.", error), "error");
      return;
    }
    await this.loadPage(0);
  }
}

export class GuestOrders {
  constructor({ section, body, message, refresh, onCancelled }) {
    Object.assign(this, { section, body, message, onCancelled });
    this.signedIn = false;
    refresh.addEventListener("click", () => this.load());
  }

  show({ signedIn }) {
    this.signedIn = signedIn;
    this.updateVisibility();
  }

  // A guest always sees this list; a signed-in user only when this browser holds some.
  updateVisibility() {
    this.section.hidden = this.signedIn && guestOrders().length === 0;
  }

  async load() {
    const kept = guestOrders();
    const answers = await Promise.allSettled(
      kept.map((entry) => api("GET", `/api/order/${entry.orderNumber}`, undefined, secretHeader(entry))),
    );
    const rows = [];
    let failure = null;
    answers.forEach((answer, index) => {
      if (answer.status === "fulfilled") {
        rows.push(orderRow(answer.value, () => this.cancel(kept[index])));
      } else if (answer.reason instanceof ApiError && answer.reason.status === 404) {
        forgetGuestOrder(kept[index].orderNumber); // gone from the shop (its data was reset)
      } else {
        failure = failure || answer.reason;
      }
    });
    this.body.replaceChildren(...rows);
    if (!rows.length && !failure) this.body.append(emptyRow("No orders placed in this browser yet."));
    // A cancellation's message stays; only an earlier failure to load is cleared.
    if (failure) say(this.message, explained("Some orders could not be loaded.", failure), "error");
    else if (this.loadFailed) say(this.message, "");
    this.loadFailed = Boolean(failure);
    this.updateVisibility();
  }

  // An order link opened in this browser: shown, and kept here, only if its secret opens it.
  async open({ orderNumber, secret }) {
    if (!orderNumber || !secret) {
      say(this.message, "This order link is incomplete: copy the whole link, with its secret.", "error");
      return false;
    }
    try {
      await api("GET", `/api/order/${orderNumber}`, undefined, secretHeader({ secret }));
    } catch (error) {
      const unknown = error instanceof ApiError && [401, 403, 404].includes(error.status);
      say(this.message, unknown
        ? "This order link does not open any order: check that you copied all of it."
        : explained("The order could not be opened.", error), "error");
      return false;
    }
    rememberGuestOrder({ orderNumber, guestSecret: secret });
    await this.load();
    say(this.message, `Order ${orderNumber.slice(0, 8)} opened from its link; it is kept in this browser.`, "ok");
    this.body.querySelector(`tr[data-order="${orderNumber}"]`)?.classList.add("opened");
    return true;
  }

  async cancel(entry) {
    try {
      await api("POST", `/api/order/${entry.orderNumber}/cancel`, undefined, secretHeader(entry));
      say(this.message, `Order ${entry.orderNumber.slice(0, 8)} cancelled; its stock is back.`, "ok");
      this.onCancelled();
    } catch (error) {
      say(this.message, explained("The order was not cancelled.", error), "error");
      return;
    }
    await this.load();
  }
}
