// The orders placed in this browser, newest first, with a cancel button on confirmed ones.
// A guest reads and cancels each with its secret; there is no list of everyone's orders.

import { ApiError, api, explain, money } from "./api.js";
import { el, say } from "./dom.js";
import { forgetGuestOrder, guestOrders, secretHeader } from "./guest-orders.js";

export class Orders {
  constructor({ body, message, refresh, onCancelled }) {
    Object.assign(this, { body, message, onCancelled });
    refresh.addEventListener("click", () => this.load());
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
        rows.push(this.row(answer.value, kept[index]));
      } else if (answer.reason instanceof ApiError && answer.reason.status === 404) {
        forgetGuestOrder(kept[index].orderNumber); // gone from the shop (its data was reset)
      } else {
        failure = failure || answer.reason;
      }
    });
    this.body.replaceChildren(...rows);
    if (!rows.length && !failure) {
      this.body.append(el("tr", {}, el("td", { colspan: "6", class: "muted" }, "No orders placed in this browser yet.")));
    }
    // A cancellation's message stays; only an earlier failure to load is cleared.
    if (failure) say(this.message, `Some orders could not be loaded. ${explain(failure)}`, "error");
    else if (this.loadFailed) say(this.message, "");
    this.loadFailed = Boolean(failure);
  }

  row(order, entry) {
    const items = order.items.map((i) => `${i.quantity} × ${i.skuCode}`).join(", ");
    const action = order.status === "CONFIRMED"
      ? el("button", { type: "button", onclick: () => this.cancel(entry) }, "Cancel")
      : "";
    return el(
      "tr",
      { "data-order": order.orderNumber },
      el("td", { class: "mono" }, order.orderNumber.slice(0, 8)),
      el("td", {}, new Date(order.createdAt).toLocaleString()),
      el("td", {}, items),
      el("td", {}, money.format(order.total)),
      el("td", {}, el("span", { class: `badge ${order.status}` }, order.status)),
      el("td", {}, action),
    );
  }

  async cancel(entry) {
    try {
      await api("POST", `/api/order/${entry.orderNumber}/cancel`, undefined, secretHeader(entry));
      say(this.message, `Order ${entry.orderNumber.slice(0, 8)} cancelled; its stock is back.`, "ok");
      this.onCancelled();
    } catch (error) {
      say(this.message, `The order was not cancelled. ${explain(error)}`, "error");
      return;
    }
    await this.load();
  }
}
