// Product admin: create a product and set its stock; set any SKU's stock; check stock of
// any SKUs. Validation messages come from the API's problem+json errors, next to their
// fields; what was typed stays in the form until it succeeds.

import { ApiError, api, fieldErrors } from "./api.js";
import { el, say } from "./dom.js";
import { explain, explained } from "./messages.js";

function showFieldErrors(form, errors) {
  for (const node of form.querySelectorAll(".field-error")) {
    const message = errors[node.dataset.field] || "";
    node.textContent = message;
    const input = form.querySelector(`[aria-describedby="${node.id}"]`);
    if (input) input.setAttribute("aria-invalid", message ? "true" : "false");
  }
  const first = form.querySelector('[aria-invalid="true"]');
  if (first) first.focus();
}

// A number if the text is one, else the text itself: the API says what is wrong with it.
function numberOrText(text) {
  const trimmed = text.trim();
  return trimmed !== "" && !Number.isNaN(Number(trimmed)) ? Number(trimmed) : trimmed;
}

export function productForm(form, message, onCreated) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const product = {
      name: data.get("name"),
      description: data.get("description"),
      price: numberOrText(data.get("price")),
      skuCode: data.get("skuCode").trim(),
    };
    const stock = numberOrText(data.get("quantity") || "0");
    say(message, "");
    try {
      await api("POST", "/api/product/create", product);
    } catch (error) {
      const errors = fieldErrors(error);
      if (error.type === "duplicate-sku") errors.skuCode = error.message;
      showFieldErrors(form, errors);
      if (!Object.keys(errors).length) say(message, explain(error), "error");
      return;
    }
    try {
      await api("PUT", `/api/inventory/${encodeURIComponent(product.skuCode)}`, { quantity: stock });
    } catch (error) {
      showFieldErrors(form, fieldErrors(error));
      say(message, explained(`${product.name} was created, but its stock was not set.`, error), "error");
      onCreated();
      return;
    }
    showFieldErrors(form, {});
    form.reset();
    say(message, `${product.name} (${product.skuCode}) created with ${stock} in stock.`, "ok");
    onCreated();
  });
}

export function setStockForm(form, message, onSet) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const sku = data.get("skuCode").trim();
    const quantity = numberOrText(data.get("quantity"));
    say(message, "");
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(sku)) {
      // Not a path segment the gateway forwards: said here, beside the field.
      showFieldErrors(form, { skuCode: "A SKU is 1 to 64 letters, digits, '_' or '-'." });
      return;
    }
    try {
      await api("PUT", `/api/inventory/${sku}`, { quantity });
    } catch (error) {
      const errors = fieldErrors(error);
      showFieldErrors(form, errors);
      if (!Object.keys(errors).length) say(message, explain(error), "error");
      return;
    }
    showFieldErrors(form, {});
    form.reset();
    say(message, `${sku} now has ${quantity} in stock.`, "ok");
    onSet();
  });
}

export function stockCheckForm(form) {
  const table = form.querySelector(".stock-result");
  const body = form.querySelector("tbody");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const skus = new FormData(form).get("skus").split(",").map((s) => s.trim()).filter(Boolean);
    try {
      const levels = await api("GET", `/api/inventory?${new URLSearchParams({ skuCode: skus.join(",") })}`);
      showFieldErrors(form, {});
      body.replaceChildren(...levels.map((l) => el("tr", {},
        el("td", { class: "mono" }, l.skuCode), el("td", {}, l.isInStock ? "Yes" : "No"), el("td", {}, l.quantity))));
      table.hidden = false;
    } catch (error) {
      table.hidden = true;
      const errors = error instanceof ApiError && error.status === 422
        ? { skuCode: error.problem.errors?.[0]?.message || error.message }
        : { skuCode: explain(error).map((part) => (part instanceof Node ? part.textContent : part)).join("") };
      showFieldErrors(form, errors);
    }
  });
}
