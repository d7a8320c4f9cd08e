// The header's account area: "Sign in" and "Sign up" for a visitor; the email and
// "Sign out" for a signed-in user.

import { api } from "./api.js";
import { el, say } from "./dom.js";
import { explained } from "./messages.js";
import { session, signInUrl, signUpUrl } from "./session.js";

export class Account {
  constructor({ area, message }) {
    Object.assign(this, { area, message });
  }

  render() {
    const me = session();
    this.area.removeAttribute("aria-busy");
    if (!me.signedIn) {
      this.area.replaceChildren(
        el("a", { class: "account-link", href: signInUrl(), id: "sign-in" }, "Sign in"),
        el("a", { class: "account-link primary", href: signUpUrl(), id: "sign-up" }, "Sign up"),
      );
      return;
    }
    this.area.replaceChildren(
      el("span", { class: "account-email", title: me.email }, me.email || "Signed in"),
      el("button", { type: "button", id: "sign-out", onclick: (event) => this.signOut(event.currentTarget) }, "Sign out"),
    );
  }

  // The gateway revokes the tokens and ends the session; the issuer then ends its own and
  // sends the browser back here.
  async signOut(button) {
    button.disabled = true;
    try {
      const { redirectTo } = await api("POST", "/auth/logout");
      location.assign(httpUrlOrHome(redirectTo));
    } catch (error) {
      if (error.sessionEnded) {
        location.assign("/"); // ended already: nothing left to sign out of
        return;
      }
      button.disabled = false;
      say(this.message, explained("You were not signed out.", error), "error");
    }
  }

  // Their returnTo follows the view shown, so signing in comes back to it.
  refreshLinks() {
    for (const link of this.area.querySelectorAll("#sign-in, #sign-up")) {
      link.href = link.id === "sign-in" ? signInUrl() : signUpUrl();
    }
  }
}

// The gateway answers "/" or the issuer's end-session URL; only an http(s) URL is followed,
// so a broken answer can never run a javascript: URL.
function httpUrlOrHome(target) {
  try {
    const url = new URL(String(target || "/"), location.origin);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : "/";
  } catch {
    return "/";
  }
}
