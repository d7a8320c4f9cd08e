// Calls to the services through the gateway (same origin), and problem+json errors.
// The one place that adds the session's CSRF token to state-changing requests.

import { csrfToken } from "./session.js";

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const sessionEndedListeners = [];

export class ApiError extends Error {
  constructor(status, problem, retryAfter = null) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }

  get type() {
    return (this.problem.type || "").split(":").pop();
  }

  get unavailable() {
    return this.status === 0 || this.status === 502 || this.status === 503 || this.status === 504;
  }

  get sessionEnded() {
    return this.status === 401 && this.type.endsWith("session-expired");
  }
}

// Called once per answer that says the session cookie no longer stands (the gateway has
// cleared it): the page re-reads who is signed in.
export function onSessionEnded(listener) {
  sessionEndedListeners.push(listener);
}

// Seconds from a Retry-After header: delta-seconds or an HTTP date.
export function retryAfterSeconds(value) {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const when = Date.parse(value);
  return Number.isNaN(when) ? null : Math.max(0, Math.ceil((when - Date.now()) / 1000));
}

export async function api(method, path, body, headers = {}) {
  const init = { method, headers: { Accept: "application/json", ...headers }, credentials: "same-origin" };
  const token = csrfToken();
  if (STATE_CHANGING.has(method) && token) init.headers["X-CSRF-Token"] = token;
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, { title: "Network error", detail: "The shop could not be reached." });
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    const error = new ApiError(
      response.status,
      data || { title: response.statusText },
      retryAfterSeconds(response.headers.get("Retry-After")),
    );
    if (error.sessionEnded) for (const listener of sessionEndedListeners) listener();
    throw error;
  }
  return data;
}

// Field name -> message, from a problem's `errors` list (validation problems).
export function fieldErrors(error) {
  const found = {};
  for (const entry of (error instanceof ApiError && error.problem.errors) || []) {
    const field = String(entry.field || "").split(/[.[]/)[0];
    found[field] = found[field] || entry.message;
  }
  return found;
}

export function uuid4() {
  // crypto.randomUUID needs a secure context; getRandomValues works on plain http too.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const money = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
