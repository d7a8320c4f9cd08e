// Wires the page together.

import { Account } from "./account.js";
import { productForm, setStockForm, stockCheckForm } from "./admin.js";
import { onSessionEnded } from "./api.js";
import { Cart } from "./cart.js";
import { Catalog } from "./catalog.js";
import { orderLinkIn } from "./guest-orders.js";
import { GuestOrders, MyOrders } from "./orders.js";
import { isAdmin, loadSession, session } from "./session.js";
import { watchServices } from "./status.js";
import { Tabs } from "./tabs.js";

const $ = (id) => document.getElementById(id);
// ?poll=1000 shortens the status polling period (tests use it).
const pollMs = Number(new URLSearchParams(location.search).get("poll")) || 5000;

const catalog = new Catalog({
  list: $("products"),
  message: $("catalog-message"),
  search: $("search"),
  onAdd: (product, quantity) => cart.add(product, quantity),
});
const myOrders = new MyOrders({
  section: $("my-orders"),
  heading: $("my-orders-heading"),
  body: $("my-orders-rows"),
  message: $("my-orders-message"),
  refresh: $("refresh-my-orders"),
  more: $("more-my-orders"),
  onCancelled: () => catalog.loadStock(),
});
const guestOrders = new GuestOrders({
  section: $("guest-orders"),
  body: $("guest-orders-rows"),
  message: $("guest-orders-message"),
  refresh: $("refresh-guest-orders"),
  onCancelled: () => catalog.loadStock(),
});
const cart = new Cart({
  lines: $("cart-lines"),
  empty: $("cart-empty"),
  total: $("cart-total"),
  count: $("cart-count"),
  button: $("checkout"),
  message: $("checkout-message"),
  onOrdered: () => {
    catalog.loadStock();
    if (tabs.selected() === "orders") loadOrders();
  },
});
const account = new Account({ area: $("account"), message: $("page-message") });
const tabs = new Tabs(document.querySelector('[role="tablist"]'), (panel) => {
  if (panel === "orders") loadOrders();
  if (panel === "shop") catalog.loadStock();
  account.refreshLinks();
});

function loadOrders() {
  myOrders.load();
  guestOrders.load();
}

// The admin tab and panel are put into the page only for an admin: a customer's page has
// no trace of them (the services refuse a customer's admin calls all the same).
function addAdminArea() {
  if ($("panel-admin")) return;
  const area = $("admin-area").content.cloneNode(true);
  document.querySelector('[role="tablist"]').append(area.querySelector("li"));
  $("main").append(area.querySelector("section"));
  productForm($("create-product"), $("create-message"), () => catalog.load());
  setStockForm($("set-stock"), $("set-stock-message"), () => catalog.loadStock());
  stockCheckForm($("check-stock"));
}

function showWhoIsSignedIn() {
  const me = session();
  account.render();
  $("tab-orders").textContent = me.signedIn && !isAdmin() ? "My orders" : "Orders";
  myOrders.show({ signedIn: me.signedIn, admin: isAdmin() });
  guestOrders.show({ signedIn: me.signedIn });
  // An admin whose session just ended keeps the panel, with what they typed in it, until
  // the page is reloaded: its calls now answer "sign in again".
  if (isAdmin()) addAdminArea();
}

// An order link (#order=…&secret=…) is read once and taken off the address bar, so the
// secret is not left in the history, a bookmark or a shared screen.
async function openOrderLink() {
  const link = orderLinkIn(location.hash);
  if (!link) return false;
  history.replaceState(null, "", `${location.pathname}${location.search}#orders`);
  tabs.show("orders");
  await guestOrders.open(link);
  return true;
}

async function showRequestedView() {
  if (await openOrderLink()) return;
  const view = location.hash.slice(1);
  if (tabs.has(view)) {
    if (view !== tabs.selected()) tabs.show(view);
  } else if (view) {
    // Not a view of this user's page (#admin for a customer): the address says what shows.
    history.replaceState(null, "", `${location.pathname}${location.search}`);
  }
  account.refreshLinks();
}

onSessionEnded(async () => {
  await loadSession();
  showWhoIsSignedIn();
});
window.addEventListener("hashchange", () => showRequestedView());

watchServices(document.querySelector(".service-status"), pollMs);
// Who is signed in first: /auth/me clears a stale session cookie, which would otherwise
// turn the catalog's first reads into "session ended" answers.
await loadSession();
showWhoIsSignedIn();
catalog.load();
await showRequestedView();
