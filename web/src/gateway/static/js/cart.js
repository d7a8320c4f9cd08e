// The cart and checkout: one order for every line, with an idempotency key per attempt.

import { api, explain, money, uuid4 } from "./api.js";
import { el, say } from "./dom.js";
import { rememberGuestOrder } from "./guest-orders.js";

export class Cart {
  constructor({ lines, empty, total, button, message, onOrdered }) {
    Object.assign(this, { linesNode: lines, emptyNode: empty, totalNode: total, button, message, onOrdered });
    this.lines = new Map();
    button.addEventListener("click", () => this.checkout());
    this.render();
  }

  add(product, quantity) {
    const line = this.lines.get(product.skuCode);
    this.lines.set(product.skuCode, { product, quantity: (line?.quantity || 0) + quantity });
    say(this.message, "");
    this.render();
  }

  setQuantity(sku, quantity) {
    if (quantity > 0) this.lines.get(sku).quantity = quantity;
    else this.lines.delete(sku);
    this.render();
  }

  render() {
    const lines = [...this.lines.values()];
    this.linesNode.replaceChildren(...lines.map((line) => this.lineNode(line)));
    this.emptyNode.hidden = lines.length > 0;
    // On a phone the cart moves above the catalog once it holds something.
    this.linesNode.closest(".cart").classList.toggle("has-items", lines.length > 0);
    const units = lines.reduce((sum, l) => sum + l.quantity, 0);
    document.getElementById("cart-count").textContent = units ? `(${units})` : "";
    this.button.disabled = lines.length === 0;
    const total = lines.reduce((sum, l) => sum + Math.round(l.product.price * 100) * l.quantity, 0) / 100;
    this.totalNode.textContent = money.format(total);
  }

  lineNode({ product, quantity }) {
    const input = el("input", {
      type: "number", min: "0", max: "1000", value: String(quantity), inputmode: "numeric",
      "aria-label": `Quantity of ${product.name} in the cart`,
      onchange: (event) => this.setQuantity(product.skuCode, Number.parseInt(event.target.value, 10) || 0),
    });
    return el(
      "li",
      { class: "cart-line", "data-sku": product.skuCode },
      el("span", {}, product.name),
      input,
      el("button", {
        type: "button", class: "link", "aria-label": `Remove ${product.name}`,
        onclick: () => this.setQuantity(product.skuCode, 0),
      }, "Remove"),
    );
  }

  async checkout() {
    const lines = [...this.lines.values()];
    this.button.disabled = true;
    say(this.message, "Placing your order…");
    try {
      const order = await api(
        "POST",
        "/api/order/create",
        {
          orderLineItemsDtoList: lines.map(({ product, quantity }) => ({
            skuCode: product.skuCode, price: product.price, quantity,
          })),
        },
        { "Idempotency-Key": uuid4() },
      );
      rememberGuestOrder(order);
      this.lines.clear();
      this.render();
      say(this.message, [
        el("strong", {}, "Order confirmed. "),
        `Order number `, el("span", { class: "order-number" }, order.orderNumber),
        `, total ${money.format(order.total)}.`,
      ], "ok");
      this.onOrdered();
    } catch (error) {
      say(this.message, this.explainRefusal(error), "error");
      this.button.disabled = this.lines.size === 0;
      if (error.type === "insufficient-stock") this.onOrdered();
    }
  }

  explainRefusal(error) {
    const problem = error.problem || {};
    if (error.type === "insufficient-stock") {
      return [
        "Not enough stock:",
        el("ul", {}, problem.shortages.map((s) => el("li", {}, `${s.skuCode}: ${s.requested} requested, ${s.available} available`))),
      ];
    }
    if (error.type === "price-changed") {
      for (const change of problem.changes) {
        const line = this.lines.get(change.skuCode);
        if (line) line.product = { ...line.product, price: change.current };
      }
      this.render();
      return [
        "Prices changed; your cart now shows the current prices:",
        el("ul", {}, problem.changes.map((c) => el("li", {}, `${c.skuCode}: now ${money.format(c.current)}`))),
      ];
    }
    return explain(error);
  }
}
