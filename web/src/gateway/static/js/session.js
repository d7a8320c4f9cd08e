// Who is signed in, as the gateway says (/auth/me). The page never holds a token: the
// session is an HttpOnly cookie, and the CSRF token here only proves a request came from
// this page.

const SIGNED_OUT = Object.freeze({ signedIn: false, roles: [] });
const VIEWS = new Set(["shop", "orders", "admin"]);

let current = SIGNED_OUT;
let reading = null;

export function session() {
  return current;
}

export function csrfToken() {
  return current.signedIn ? current.csrfToken : undefined;
}

export function isAdmin() {
  return current.signedIn && current.roles.includes("admin");
}

async function readMe() {
  try {
    const response = await fetch("/auth/me", {
      headers: { Accept: "application/json" }, cache: "no-store", credentials: "same-origin",
    });
    if (!response.ok) return SIGNED_OUT;
    const me = await response.json();
    if (me?.signedIn !== true) return SIGNED_OUT;
    return Object.freeze({
      signedIn: true,
      subject: String(me.subject || ""),
      email: String(me.email || ""),
      roles: Array.isArray(me.roles) ? me.roles.map(String) : [],
      csrfToken: String(me.csrfToken || ""),
    });
  } catch {
    // The gateway cannot be reached: the page works as for a guest until it can.
    return SIGNED_OUT;
  }
}

// Reads /auth/me; calls made while a read is in flight share it.
export async function loadSession() {
  reading = reading || readMe().finally(() => { reading = null; });
  current = await reading;
  return current;
}

// The view to come back to after signing in: the path and a view name, never an order
// link's fragment (its secret must not reach the server, even as a query parameter).
export function currentView() {
  const view = location.hash.slice(1);
  return VIEWS.has(view) ? `${location.pathname}#${view}` : location.pathname;
}

function authUrl(path, returnTo) {
  return `${path}?${new URLSearchParams({ returnTo: returnTo ?? currentView() })}`;
}

export function signInUrl(returnTo) {
  return authUrl("/auth/login", returnTo);
}

export function signUpUrl(returnTo) {
  return authUrl("/auth/sign-up", returnTo);
}
