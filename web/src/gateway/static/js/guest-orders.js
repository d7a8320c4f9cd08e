// The guest orders placed in this browser: each one's number and the secret the order
// service answered with it, once. The secret alone reads or cancels the order (Order-Secret),
// and nobody else holds it, so it stays in this browser's storage and is sent nowhere else.

const STORAGE_KEY = "shopstack.guestOrders";
const KEPT = 20;
const ORDER_NUMBER = /^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$/;

export function guestOrders() {
  let stored;
  try {
    stored = JSON.parse(localStorage.getItem(STORAGE_KEY) || "[]");
  } catch {
    return [];
  }
  if (!Array.isArray(stored)) return [];
  return stored.filter((entry) => typeof entry?.orderNumber === "string" && typeof entry?.secret === "string");
}

function keep(entries) {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(entries.slice(0, KEPT)));
  } catch {
    // Storage full or disabled: the order stands; this browser just cannot list it.
  }
}

// Newest first; a signed-in customer's order (no guestSecret) is not kept here.
export function rememberGuestOrder(order) {
  if (!order.guestSecret) return;
  const others = guestOrders().filter((entry) => entry.orderNumber !== order.orderNumber);
  keep([{ orderNumber: order.orderNumber, secret: order.guestSecret }, ...others]);
}

export function forgetGuestOrder(orderNumber) {
  keep(guestOrders().filter((entry) => entry.orderNumber !== orderNumber));
}

export function secretHeader(entry) {
  return { "Order-Secret": entry.secret };
}

// The link a guest keeps: the secret is in the fragment, which a browser never sends to a
// server (not in a request, a log line or a Referer).
export function guestOrderLink(orderNumber, secret) {
  return `${location.origin}/#${new URLSearchParams({ order: orderNumber, secret })}`;
}

// {orderNumber, secret} from a fragment such as "#order=…&secret=…" (secret "" when it
// is missing), or null when the fragment is not an order link.
export function orderLinkIn(fragment) {
  const parameters = new URLSearchParams(fragment.replace(/^#/, ""));
  const orderNumber = parameters.get("order");
  if (orderNumber === null) return null;
  return { orderNumber: ORDER_NUMBER.test(orderNumber) ? orderNumber : "", secret: parameters.get("secret") || "" };
}
