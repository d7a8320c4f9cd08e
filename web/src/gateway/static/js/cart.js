// The cart and checkout: one order for every line, with an idempotency key per attempt.
// The cart is kept in this browser (cart-store.js); before an order is placed its prices
// are read again from the catalog, and a changed price is shown to the buyer first.

import { api, money, uuid4 } from "./api.js";
import { storeCart, storedCart } from "./cart-store.js";
import { el, say } from "./dom.js";
import { guestOrderLink, rememberGuestOrder } from "./guest-orders.js";
import { explain, explained } from "./messages.js";
import { session } from "./session.js";

const SKUS_PER_LOOKUP = 100;

export class Cart {
  constructor({ lines, empty, total, count, button, message, onOrdered }) {
    Object.assign(this, {
      linesNode: lines, emptyNode: empty, totalNode: total, countNode: count, button, message, onOrdered,
    });
    this.lines = new Map(storedCart().map((line) => [line.sku, line]));
    button.addEventListener("click", () => this.checkout());
    this.render();
  }

  add(product, quantity) {
    const line = this.lines.get(product.skuCode);
    this.lines.set(product.skuCode, {
      sku: product.skuCode,
      name: product.name,
      price: product.price,
      quantity: Math.min(1000, (line?.quantity || 0) + quantity),
    });
    say(this.message, "");
    this.render();
  }

  setQuantity(sku, quantity) {
    const line = this.lines.get(sku);
    if (!line) return;
    if (quantity > 0) {
      line.quantity = Math.min(1000, quantity);
      // Only the totals change: the line's input keeps the focus where the buyer left it.
      this.renderSummary();
      return;
    }
    this.lines.delete(sku);
    this.render();
    // The removed line's button is gone: the focus stays in the cart.
    (this.linesNode.querySelector("input") || this.headingNode()).focus();
  }

  headingNode() {
    const heading = this.linesNode.closest(".cart").querySelector("h2");
    heading.tabIndex = -1;
    return heading;
  }

  render() {
    const lines = [...this.lines.values()];
    this.linesNode.replaceChildren(...lines.map((line) => this.lineNode(line)));
    this.renderSummary();
  }

  renderSummary() {
    const lines = [...this.lines.values()];
    storeCart(lines);
    this.emptyNode.hidden = lines.length > 0;
    // On a phone the cart moves above the catalog once it holds something.
    this.linesNode.closest(".cart").classList.toggle("has-items", lines.length > 0);
    const units = lines.reduce((sum, l) => sum + l.quantity, 0);
    this.countNode.textContent = units ? `(${units})` : "";
    this.button.disabled = lines.length === 0;
    const total = lines.reduce((sum, l) => sum + Math.round(l.price * 100) * l.quantity, 0) / 100;
    this.totalNode.textContent = money.format(total);
  }

  lineNode(line) {
    const input = el("input", {
      type: "number", min: "0", max: "1000", value: String(line.quantity), inputmode: "numeric",
      "aria-label": `Quantity of ${line.name} in the cart`,
      onchange: (event) => this.setQuantity(line.sku, Number.parseInt(event.target.value, 10) || 0),
    });
    const price = line.previousPrice === undefined
      ? el("span", { class: "cart-price" }, money.format(line.price))
      : el("span", { class: "cart-price changed" },
        `now ${money.format(line.price)} (was ${money.format(line.previousPrice)})`);
    return el(
      "li",
      { class: "cart-line", "data-sku": line.sku },
      el("span", { class: "cart-item" }, el("span", {}, line.name), price),
      input,
      el("button", {
        type: "button", class: "link", "aria-label": `Remove ${line.name}`,
        onclick: () => this.setQuantity(line.sku, 0),
      }, "Remove"),
    );
  }

  async checkout() {
    this.button.disabled = true;
    say(this.message, "Checking the prices…");
    let changes;
    try {
      changes = await this.reprice();
    } catch (error) {
      say(this.message, explained("The prices could not be checked, so no order was placed.", error), "error");
      this.button.disabled = this.lines.size === 0;
      return;
    }
    if (changes.length) {
      this.render();
      say(this.message, [
        "Prices changed since these items were added. Check the cart, then place the order again:",
        el("ul", {}, changes),
      ], "error");
      this.button.disabled = this.lines.size === 0;
      return;
    }
    await this.placeOrder();
  }

  // The catalog's current prices, put into the cart; one message line per change.
  async reprice() {
    const skus = [...this.lines.keys()];
    const current = new Map();
    for (let start = 0; start < skus.length; start += SKUS_PER_LOOKUP) {
      const query = new URLSearchParams({ skuCode: skus.slice(start, start + SKUS_PER_LOOKUP).join(",") });
      for (const product of await api("GET", `/api/product?${query}`)) current.set(product.skuCode, product);
    }
    const changes = [];
    for (const line of [...this.lines.values()]) {
      delete line.previousPrice;
      const product = current.get(line.sku);
      if (!product) {
        this.lines.delete(line.sku);
        changes.push(el("li", {}, `${line.name} is no longer sold and was removed.`));
      } else if (product.price !== line.price) {
        changes.push(el("li", {}, `${line.name}: now ${money.format(product.price)}, was ${money.format(line.price)}`));
        line.previousPrice = line.price;
        line.price = product.price;
      }
    }
    return changes;
  }

  async placeOrder() {
    const lines = [...this.lines.values()];
    say(this.message, "Placing your order…");
    try {
      const order = await api(
        "POST",
        "/api/order/create",
        { orderLineItemsDtoList: lines.map(({ sku, price, quantity }) => ({ skuCode: sku, price, quantity })) },
        { "Idempotency-Key": uuid4() },
      );
      rememberGuestOrder(order);
      this.lines.clear();
      this.render();
      say(this.message, this.confirmation(order), "ok");
      this.onOrdered();
    } catch (error) {
      say(this.message, this.explainRefusal(error), "error");
      this.button.disabled = this.lines.size === 0;
      if (error.type === "insufficient-stock") this.onOrdered();
    }
  }

  confirmation(order) {
    const summary = [
      el("strong", {}, "Order confirmed. "),
      "Order number ", el("span", { class: "order-number" }, order.orderNumber),
      `, total ${money.format(order.total)}.`,
    ];
    if (!order.guestSecret) {
      return [...summary, session().signedIn ? " It is under My orders." : ""];
    }
    const link = guestOrderLink(order.orderNumber, order.guestSecret);
    return [
      ...summary,
      el("p", { class: "keep-link" },
        "Keep this link to find your order again, in any browser. Whoever has it can see and cancel the order: ",
        el("a", { class: "order-link", href: link }, link)),
    ];
  }

  explainRefusal(error) {
    const problem = error.problem || {};
    if (error.type === "insufficient-stock" && Array.isArray(problem.shortages)) {
      return [
        "Not enough stock:",
        el("ul", {}, problem.shortages.map((s) => el("li", {}, `${s.skuCode}: ${s.requested} requested, ${s.available} available`))),
      ];
    }
    if (error.type === "price-changed" && Array.isArray(problem.changes)) {
      for (const change of problem.changes) {
        const line = this.lines.get(change.skuCode);
        if (line) Object.assign(line, { previousPrice: line.price, price: change.current });
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
