// Wires the page together.

import { productForm, stockCheckForm } from "./admin.js";
import { Cart } from "./cart.js";
import { Catalog } from "./catalog.js";
import { Orders } from "./orders.js";
import { watchServices } from "./status.js";
import { tabs } from "./tabs.js";

const $ = (id) => document.getElementById(id);
// ?poll=1000 shortens the status polling period (tests use it).
const pollMs = Number(new URLSearchParams(location.search).get("poll")) || 5000;

const catalog = new Catalog({
  list: $("products"),
  message: $("catalog-message"),
  search: $("search"),
  onAdd: (product, quantity) => cart.add(product, quantity),
});
const orders = new Orders({
  body: $("orders"),
  message: $("orders-message"),
  refresh: $("refresh-orders"),
  onCancelled: () => catalog.loadStock(),
});
const cart = new Cart({
  lines: $("cart-lines"),
  empty: $("cart-empty"),
  total: $("cart-total"),
  button: $("checkout"),
  message: $("checkout-message"),
  onOrdered: () => {
    catalog.loadStock();
    orders.load();
  },
});

productForm($("create-product"), $("create-message"), () => catalog.load());
stockCheckForm($("check-stock"));
tabs(document.querySelector('[role="tablist"]'), (panel) => {
  if (panel === "orders") orders.load();
  if (panel === "shop") catalog.loadStock();
});
watchServices(document.querySelector(".service-status"), pollMs);
catalog.load();
