import { describe, expect, it } from "vitest";
import { lineOfText, paragraphOfText } from "./common.ts";

describe("text people type", () => {
  it("refuses half a surrogate pair, which is no character, and keeps whole ones", () => {
    for (const schema of [lineOfText(50), paragraphOfText(50)]) {
      for (const bad of ["\ud800", "a\udfffb", "end \ud83d", "\udf7f start"]) {
        const result = schema.safeParse(bad);
        expect(result.success).toBe(false);
        expect(result.error?.issues.map((i) => i.message)).toContain("must be valid Unicode text");
      }
      expect(schema.safeParse("popcorn \ud83c\udf7f").success).toBe(true);
      expect(schema.safeParse("Ωmega é").success).toBe(true);
    }
  });
});
