import { describe, expect, it } from "vitest";
import { html, trustedHtml } from "./html.ts";

const XSS = "<img src=x onerror=alert(1)>";

describe("html", () => {
  it("escapes every interpolated value, in text and in attributes", () => {
    // The template's own text is ours and passes as written; only the values are escaped.
    const page = html`<p title="${`" onmouseover="alert(1)`}">${XSS} & ${"'`"}</p>`.toString();
    expect(page).toBe(
      '<p title="&quot; onmouseover=&quot;alert(1)">&lt;img src=x onerror=alert(1)&gt; & &#39;&#96;</p>',
    );
    expect(page).not.toContain("<img");
  });

  it("nests its own fragments and lists without escaping them twice, and drops null and undefined", () => {
    const items = ["A1", "<b>"].map((seat) => html`<li>${seat}</li>`);
    expect(html`<ul>${items}</ul>${null}${undefined}${3}`.toString()).toBe(
      "<ul><li>A1</li><li>&lt;b&gt;</li></ul>3",
    );
    expect(html`${trustedHtml("<br>")}`.toString()).toBe("<br>");
  });
});
