/** Tiny DOM helpers: the UI builds its pages from these and Observable Plot's SVGs. */
type Child = Node | string | number | null | undefined | false;

export function h(tag: string, attrs: Record<string, string | number | boolean | ((e: Event) => void) | undefined> = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === "function") el.addEventListener(k.replace(/^on/, ""), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(typeof c === "object" ? c : String(c));
  return el;
}

export const fmt = (n: number | null | undefined, digits = 4): string =>
  n === null || n === undefined ? "–" : Number.isInteger(n) ? n.toLocaleString("en-US") : n.toFixed(digits);

export function table(head: string[], rows: Child[][], attrs: Record<string, string> = {}): HTMLElement {
  return h("table", attrs, h("thead", {}, h("tr", {}, ...head.map((c) => h("th", {}, c)))), h("tbody", {}, ...rows.map((r) => h("tr", {}, ...r.map((c) => h("td", {}, c))))));
}

export function card(title: string, ...children: Child[]): HTMLElement {
  return h("section", { class: "card" }, h("h2", {}, title), ...children);
}
