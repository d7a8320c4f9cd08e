// A live UP / DOWN indicator per service, from each service's health through the gateway.

const SERVICES = ["product", "inventory", "order"];

async function stateOf(service) {
  try {
    const response = await fetch(`/health/${service}`, { cache: "no-store" });
    if (response.ok) return { state: "UP", reason: "" };
    if (response.status === 503) return { state: "DOWN", reason: "its database is unreachable" };
    return { state: "DOWN", reason: "unreachable" };
  } catch {
    return { state: "DOWN", reason: "the shop is unreachable" };
  }
}

async function refresh(list) {
  await Promise.all(
    SERVICES.map(async (service) => {
      const item = list.querySelector(`[data-service="${service}"]`);
      const { state, reason } = await stateOf(service);
      item.dataset.state = state;
      item.title = reason ? `${service}: ${state} (${reason})` : `${service}: ${state}`;
      item.querySelector(".state").textContent = reason ? `${state} · ${reason}` : state;
    }),
  );
}

export function watchServices(list, periodMs) {
  refresh(list);
  setInterval(() => refresh(list), periodMs);
}
