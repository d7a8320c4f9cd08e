// Recent orders, newest first, with a cancel button on confirmed ones.

import { api, explain, money } from "./api.js";
import { el, say } from "./dom.js";

export class Orders {
  constructor({ body, message, onCancelled }) {
    Object.assign(this, { body, message, onCancelled });
  }

  async load() {
    try {
      const orders = await api("GET", "/api/order?size=20");
      this.body.replaceChildren(...orders.map((order) => this.row(order)));
      if (!orders.length) this.body.append(el("tr", {}, el("td", { colspan: "6", class: "muted" }, "No orders yet.")));
      say(this.message, "");
    } catch (error) {
      say(this.message, `Orders could not be loaded. ${explain(error)}`, "error");
    }
  }

  row(order) {
    const items = order.items.map((i) => `${i.quantity} × ${i.skuCode}`).join(", ");
    const action = order.status === "CONFIRMED"
      ? el("button", { type: "button", onclick: () => this.cancel(order.orderNumber) }, "Cancel")
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

  async cancel(orderNumber) {
    try {
      await api("POST", `/api/order/${orderNumber}/cancel`);
      say(this.message, `Order ${orderNumber.slice(0, 8)} cancelled; its stock is back.`, "ok");
      this.onCancelled();
    } catch (error) {
      say(this.message, `The order was not cancelled. ${explain(error)}`, "error");
    }
    await this.load();
  }
}
