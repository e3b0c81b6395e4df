/**
 * HTML built from a template literal in which every interpolated value is escaped, unless it is itself
 * Html (made by this tag or by trustedHtml). The one place the system turns text into markup: pages and,
 * with notifications, emails. Names are stored as typed and escaped here, on the way out.
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "`": "&#96;",
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (ch) => ENTITIES[ch] ?? ch);
}

type Interpolated = Html | string | number | null | undefined | readonly Interpolated[];

function render(value: Interpolated): string {
  if (value instanceof Html) {
    return value.value;
  }
  if (Array.isArray(value)) {
    return value.map(render).join("");
  }
  return value === null || value === undefined ? "" : escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Interpolated[]): Html {
  let out = strings[0] ?? "";
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? "");
  });
  return new Html(out);
}

/** Markup written by us, never by a user (a constant fragment): passed through unescaped. */
export function trustedHtml(markup: string): Html {
  return new Html(markup);
}
