import { describe, expect, it } from "vitest";
import { readConfig } from "../server/config.ts";

describe("readConfig", () => {
  it("keeps three spare shops ready unless SPARE_SHOPS says otherwise", () => {
    expect(readConfig({}).spareShops).toBe(3);
    expect(readConfig({ SPARE_SHOPS: "0" }).spareShops).toBe(0);
    expect(readConfig({ SPARE_SHOPS: "25" }).spareShops).toBe(25);
  });

  it("refuses a SPARE_SHOPS that isn't a whole number from 0 to 1000", () => {
    for (const value of [" ", "-1", "1e2", "0x10", "2.5", "1001", "many"]) {
      expect(() => readConfig({ SPARE_SHOPS: value }), value).toThrow("SPARE_SHOPS must be a whole number from 0 to 1000");
    }
  });

  it("gives a page's recommendations 250 ms unless RECOMMENDATIONS_BUDGET_MS says otherwise, and refuses a non-number", () => {
    expect(readConfig({}).recommendationsBudgetMs).toBe(250);
    expect(readConfig({ RECOMMENDATIONS_BUDGET_MS: "1000" }).recommendationsBudgetMs).toBe(1000);
    for (const value of ["-1", "1.5", "soon", "123456"]) {
      expect(() => readConfig({ RECOMMENDATIONS_BUDGET_MS: value }), value).toThrow("RECOMMENDATIONS_BUDGET_MS must be a whole number of milliseconds");
    }
  });
});
