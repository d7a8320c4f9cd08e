// The catalog: products with their live stock state, filtered by a search.

import { api, explain, money } from "./api.js";
import { el, say } from "./dom.js";

const LOW_STOCK = 5;
const SKUS_PER_LOOKUP = 100;

export class Catalog {
  constructor({ list, message, search, onAdd }) {
    this.list = list;
    this.message = message;
    this.onAdd = onAdd;
    this.products = [];
    this.stock = new Map();
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
      say(this.message, `The catalog could not be loaded. ${explain(error)}`, "error");
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
      say(this.message, `Stock levels are unavailable right now. ${explain(error)}`, "error");
    }
    this.render();
  }

  product(sku) {
    return this.products.find((p) => p.skuCode === sku);
  }

  render() {
    const shown = this.products.filter(
      (p) => !this.query || p.name.toLowerCase().includes(this.query) || p.skuCode.toLowerCase().includes(this.query),
    );
    this.list.replaceChildren(...shown.map((p) => this.card(p)));
    if (this.products.length && !shown.length) {
      this.list.append(el("li", { class: "muted" }, `No product matches “${this.query}”.`));
    }
  }

  card(product) {
    const quantity = this.stock.get(product.skuCode);
    const quantityInput = el("input", {
      type: "number", min: "1", max: "1000", value: "1", inputmode: "numeric",
      "aria-label": `Quantity of ${product.name}`,
    });
    return el(
      "li",
      { class: "product", "data-sku": product.skuCode, "data-quantity": quantity ?? "" },
      el("h3", {}, product.name),
      el("span", { class: "sku" }, product.skuCode),
      el("p", { class: "description" }, product.description),
      el("span", { class: "price" }, money.format(product.price)),
      stockBadge(quantity),
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
