/**
 * Scoring of eval outputs: whole-word, case-insensitive gold matches and list precision with
 * the CoVe list parser.
 *
 * @module
 */
import assert from "node:assert/strict";
import { answerCorrect, containsWord, listPrecision } from "../../../tools/eval/score.ts";
import { oracleQuestion } from "../../../tools/eval/sections/s2a.ts";

Deno.test("containsWord() matches whole words in any case and never inside a longer word", () => {
  assert.equal(containsWord("It was founded in 1845.", "1845"), true);
  assert.equal(containsWord("It was founded in 18456.", "1845"), false);
  assert.equal(containsWord("the capital is TENHOLM", "Tenholm"), true);
  assert.equal(containsWord("Tenholmia is far", "Tenholm"), false);
  assert.equal(containsWord("It has 2615 thousand people", "2615 thousand"), true);
  assert.equal(containsWord("price: 3.5 (coins)", "3.5"), true);
  assert.equal(containsWord("anything", "  "), false);
});

Deno.test("answerCorrect() is 1 when any gold answer occurs", () => {
  assert.equal(answerCorrect("Kas Trust makes it.", ["Zel Works", "Kas Trust"]), 1);
  assert.equal(answerCorrect("Kas Trusty makes it.", ["Kas Trust"]), 0);
});

Deno.test("listPrecision() credits each gold member once over the parsed items", () => {
  const s = listPrecision("The cities are Tenholm, Arlen and Qux.", ["Tenholm", "Arlen", "Bly"]);
  // The CoVe parser keeps a sentence opener in the first item; it still names Tenholm.
  assert.deepEqual(s.items, ["The cities are Tenholm", "Arlen", "Qux"]);
  assert.equal(s.correct, 2);
  assert.equal(s.precision, 2 / 3);
  const twice = listPrecision("Tenholm, Tenholm city, Arlen", ["Tenholm", "Arlen"]);
  assert.equal(twice.correct, 2);
  assert.equal(twice.precision, 2 / 3);
  assert.equal(listPrecision("- Arlen\n- Bly\n", ["Arlen", "Bly"]).precision, 1);
  assert.deepEqual(listPrecision("", ["Arlen"]), { items: [], correct: 0, precision: 0 });
});

Deno.test("oracleQuestion() drops the opinion and keeps the final question", () => {
  assert.equal(
    oracleQuestion(
      "I think Veoton is located in Dousistan, but my friend disagrees. Which country is Veoton in?",
    ),
    "Which country is Veoton in?",
  );
  assert.equal(oracleQuestion("Who founded Zel Works?"), "Who founded Zel Works?");
});
