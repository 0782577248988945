/**
 * The eval command line: defaults, every flag, and errors naming the flag and its value.
 *
 * @module
 */
import assert from "node:assert/strict";
import { parseEvalArgs } from "../../../tools/eval/args.ts";

const KNOWN = ["closed_book", "selfrag", "cove"];

Deno.test("parseEvalArgs() fills the defaults", () => {
  assert.deepEqual(parseEvalArgs([], KNOWN), {
    sections: [],
    json: false,
    models: "models/world",
    limit: Infinity,
    seed: 0,
    out: "bench/results/eval.json",
  });
});

Deno.test("parseEvalArgs() writes a partial run (sections or --limit) beside, never over, eval.json", () => {
  assert.equal(parseEvalArgs(["cove"], KNOWN).out, "bench/results/eval.partial.json");
  assert.equal(parseEvalArgs(["--limit", "2"], KNOWN).out, "bench/results/eval.partial.json");
  assert.equal(parseEvalArgs(["--limit", "2", "--out", "a.json"], KNOWN).out, "a.json");
  assert.equal(parseEvalArgs(["--seed", "3"], KNOWN).out, "bench/results/eval.json");
});

Deno.test("parseEvalArgs() reads sections and every flag", () => {
  const args = parseEvalArgs(
    [
      "cove",
      "selfrag",
      "--json",
      "--models",
      "/tmp/w/",
      "--limit",
      "32",
      "--seed",
      "9",
      "--out",
      "x.json",
    ],
    KNOWN,
  );
  assert.deepEqual(args, {
    sections: ["cove", "selfrag"],
    json: true,
    models: "/tmp/w",
    limit: 32,
    seed: 9,
    out: "x.json",
  });
});

Deno.test("parseEvalArgs() names the bad section or flag and its value", () => {
  assert.throws(
    () => parseEvalArgs(["bogus"], KNOWN),
    /Cannot run the evaluation as sections must be among closed_book, selfrag, cove: current value is "bogus"/,
  );
  assert.throws(
    () => parseEvalArgs(["--limit", "0"], KNOWN),
    /Cannot run the evaluation as '--limit' is invalid .*: current value is 0/,
  );
  assert.throws(
    () => parseEvalArgs(["--limit", "2.5"], KNOWN),
    /'--limit' must be an integer: current value is "2.5"/,
  );
  assert.throws(() => parseEvalArgs(["--seed=-1"], KNOWN), /'--seed' is invalid/);
  assert.throws(() => parseEvalArgs(["--frobnicate"], KNOWN), /command line is invalid/);
});
