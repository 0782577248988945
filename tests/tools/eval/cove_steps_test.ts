/**
 * CoVe's step figures: plan coverage (draft items a verification question names exactly) and
 * the final response's share of draft items, including the garbled names a small model writes,
 * and the precision ceiling of removing exactly a draft's wrong items.
 *
 * @module
 */
import assert from "node:assert/strict";
import { finalFromDraft, planCoverage, removalCeiling } from "../../../tools/eval/cove_steps.ts";

Deno.test("planCoverage() is the share of draft items a planned question names", () => {
  const draft = "Cities located in Dousistan: Dramouth, Maikraford and Thailford.";
  const plan = [
    "In which country is Dramouth?",
    "In which country is Baikraford?", // garbled copy of Maikraford
    "In which country is Thailford?",
  ];
  assert.equal(planCoverage(draft, plan), 2 / 3);
  // Whole names, any case: "Dramouthton" does not name Dramouth.
  assert.equal(
    planCoverage(draft, ["who is in dramouth?", "In which country is Dramouthton?"]),
    1 / 3,
  );
  assert.equal(planCoverage(draft, []), 0);
  assert.equal(planCoverage("", plan), undefined);
});

Deno.test("finalFromDraft() is the share of final items the draft listed", () => {
  const draft = "Cities located in Dousistan: Dramouth, Maikraford and Thailford.";
  assert.equal(finalFromDraft(draft, "Cities located in Dousistan: Dramouth."), 1);
  assert.equal(finalFromDraft(draft, "Cities located in Lailand: Sonmouth and dramouth."), 0.5);
  assert.equal(finalFromDraft(draft, "Cities located in Lailand: Sonmouth."), 0);
  assert.equal(finalFromDraft(draft, ""), undefined);
});

Deno.test("removalCeiling() is 1 for a draft naming a gold member and 0 for one naming none", () => {
  const gold = ["Dramouth", "Maikraford", "Thailford"];
  // Mixed: removing Sonmouth leaves only right items.
  assert.equal(removalCeiling("Cities located in Dousistan: Dramouth and Sonmouth.", gold), 1);
  // Another owner's list: every item is wrong, removing them all leaves an empty answer.
  assert.equal(removalCeiling("Cities located in Lailand: Sonmouth and Baikraford.", gold), 0);
  assert.equal(removalCeiling("", gold), 0);
});
