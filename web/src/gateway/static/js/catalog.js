// The catalog: products with their live stock state, filtered by a search.

import { api, money } from "./api.js";
import { el, say } from "./dom.js";
import { explained } from "./messages.js";

const LOW_STOCK = 5;
const SKUS_PER_LOOKUP = 100;

export class Catalog {
  constructor({ list, message, search, onAdd }) {
    this.list = list;
    this.message = message;
    this.onAdd = onAdd;
    this.products = [];
    this.stock = new Map();
    this.cards = new Map();
    this.query = "";
    search.addEventListener("input", () => {
      this.query = search.value.trim().toLowerCase();
      this.render();
    });
  }

  async load() {
    try {
      this.products = await api("GET", "/api/product/allProducts?size=1000");
    } catch (error) {
      say(this.message, explained("The catalog could not be loaded.", error), "error");
      return;
    }
    await this.loadStock();
  }

  async loadStock() {
    const skus = this.products.map((p) => p.skuCode);
    this.stock.clear();
    try {
      for (let start = 0; start < skus.length; start += SKUS_PER_LOOKUP) {
        const batch = skus.slice(start, start + SKUS_PER_LOOKUP);
        const query = new URLSearchParams({ skuCode: batch.join(",") });
        for (const level of await api("GET", `/api/inventory?${query}`)) {
          this.stock.set(level.skuCode, level.quantity);
        }
      }
      say(this.message, "");
    } catch (error) {
      say(this.message, explained("Stock levels are unavailable right now.", error), "error");
    }
    this.render();
  }

  // Cards are kept between renders and only their stock is updated, so a refresh never
  // resets a quantity being typed or takes the focus off an "Add to cart" button.
  render() {
    const shown = this.products.filter(
      (p) => !this.query || p.name.toLowerCase().includes(this.query) || p.skuCode.toLowerCase().includes(this.query),
    );
    const nodes = shown.map((product) => this.cardOf(product));
    if (this.products.length && !shown.length) {
      nodes.push(el("li", { class: "muted" }, `No product matches “${this.query}”.`));
    }
    const current = [...this.list.children];
    if (nodes.length !== current.length || nodes.some((node, index) => node !== current[index])) {
      this.list.replaceChildren(...nodes);
    }
  }

  cardOf(product) {
    const shape = JSON.stringify([product.name, product.description, product.price]);
    const kept = this.cards.get(product.skuCode);
    const card = kept?.shape === shape ? kept.node : this.card(product);
    this.cards.set(product.skuCode, { shape, node: card });
    const quantity = this.stock.get(product.skuCode);
    card.dataset.quantity = quantity ?? "";
    card.querySelector(".stock").replaceWith(stockBadge(quantity));
    return card;
  }

  card(product) {
    const quantityInput = el("input", {
      type: "number", min: "1", max: "1000", value: "1", inputmode: "numeric",
      "aria-label": `Quantity of ${product.name}`,
    });
    return el(
      "li",
      { class: "product", "data-sku": product.skuCode },
      el("h3", {}, product.name),
      el("span", { class: "sku" }, product.skuCode),
      el("p", { class: "description" }, product.description),
      el("span", { class: "price" }, money.format(product.price)),
      el("span", { class: "stock" }),
      el(
        "div",
        { class: "buy" },
        el("label", {}, "Qty", quantityInput),
        el("button", {
          type: "button",
          onclick: () => this.onAdd(product, Number.parseInt(quantityInput.value, 10) || 1),
        }, "Add to cart"),
      ),
    );
  }
}

function stockBadge(quantity) {
  if (quantity === undefined) return el("span", { class: "badge low stock" }, "Stock unknown");
  if (quantity === 0) return el("span", { class: "badge out stock" }, "Out of stock");
  if (quantity < LOW_STOCK) return el("span", { class: "badge low stock" }, `Only ${quantity} left`);
  return el("span", { class: "badge in stock" }, `${quantity} in stock`);
}
