// What to tell a person about a failed call: never a stack trace, always a next step.
// Each answer is a list of text and nodes for dom.say.

import { ApiError } from "./api.js";
import { el } from "./dom.js";
import { session, signInUrl } from "./session.js";

function signInLink(text) {
  return el("a", { href: signInUrl(), class: "sign-in-again" }, text);
}

export function explain(error) {
  if (!(error instanceof ApiError)) {
    return ["Something went wrong. Please try again."];
  }
  if (error.status === 401) {
    if (error.sessionEnded || session().signedIn) {
      return ["Your session has ended. ", signInLink("Sign in again"), "."];
    }
    return [signInLink("Sign in"), " to do that."];
  }
  if (error.status === 403) {
    if (error.type.endsWith("csrf-rejected")) {
      return ["You are not allowed to do that. Reload the page and try again."];
    }
    return ["You are not allowed to do that."];
  }
  if (error.status === 429) {
    return error.retryAfter !== null
      ? [`Too many requests: try again in ${error.retryAfter} s.`]
      : ["Too many requests: try again in a moment."];
  }
  if (error.unavailable) {
    return [`${error.message} Please try again in a moment.`];
  }
  return [error.message];
}

// `prefix` then the explanation, as one message.
export function explained(prefix, error) {
  return [prefix, " ", ...explain(error)];
}
