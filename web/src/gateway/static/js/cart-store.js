// The cart in this browser's storage, so that it survives a reload: one entry per SKU
// with the name and price the buyer was shown.

const STORAGE_KEY = "shopstack.cart";
const MAX_LINES = 100;
const SKU = /^[A-Za-z0-9_-]{1,64}$/;

function valid(entry) {
  return typeof entry?.sku === "string" && SKU.test(entry.sku)
    && typeof entry.name === "string"
    && typeof entry.price === "number" && Number.isFinite(entry.price) && entry.price > 0
    && Number.isInteger(entry.quantity) && entry.quantity >= 1 && entry.quantity <= 1000;
}

export function storedCart() {
  let stored;
  try {
    stored = JSON.parse(localStorage.getItem(STORAGE_KEY) || "[]");
  } catch {
    return [];
  }
  // Whatever else is there (edited by hand, an older page) is dropped, not trusted.
  return Array.isArray(stored) ? stored.filter(valid).slice(0, MAX_LINES) : [];
}

export function storeCart(lines) {
  const entries = lines.map(({ sku, name, price, quantity }) => ({ sku, name, price, quantity }));
  try {
    if (entries.length) localStorage.setItem(STORAGE_KEY, JSON.stringify(entries));
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Storage full or disabled: the cart still works until the page is closed.
  }
}
