/**
 * The best-of-n trace's arithmetic-filter verdicts and learned-verifier scores, per candidate,
 * without a browser.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { TraceEvent } from "../../../shared/pipeline.ts";
import {
  type BestOfNCandidate,
  bestOfNSection,
  filterApplies,
  filterVerdict,
} from "../../../client/ui/trace/best_of_n_view.ts";
import { builder } from "../../../client/ui/trace/dom.ts";
import { asFake, fakeDocument } from "./fake_dom.ts";

const slip = { ok: false, expression: "5*9", claimed: "36", computed: "45" };
const right = { ok: true, expression: "2+3", claimed: "5", computed: "5" };

function candidate(index: number, extra: Partial<BestOfNCandidate>): BestOfNCandidate {
  return {
    index,
    text: `solution ${index}`,
    steps: [right],
    arithmetic_ok: true,
    final_answer: "5",
    verifier_score: null,
    score: 1,
    kept: true,
    chosen: false,
    ...extra,
  };
}

function trace(verifier: string, candidates: BestOfNCandidate[]): TraceEvent[] {
  return [{
    stage: "best_of_n",
    event: "candidates",
    data: { n: candidates.length, verifier, fallback: false, candidates },
  }];
}

Deno.test("filterVerdict() says pass or fail, and whether the filter rejected the candidate", () => {
  const bad = candidate(1, { steps: [right, slip], arithmetic_ok: false });
  assert.equal(filterApplies("arithmetic"), true);
  assert.equal(filterApplies("both"), true);
  assert.equal(filterApplies("learned"), false);
  assert.equal(
    filterVerdict(candidate(0, {}), "arithmetic"),
    "passes the arithmetic filter (1 of 1 steps right)",
  );
  assert.equal(filterVerdict(bad, "both"), "fails the arithmetic filter (1 of 2 steps right)");
  assert.equal(
    filterVerdict(bad, "learned"),
    "fails the arithmetic check (1 of 2 steps right; not filtered with verifier learned)",
  );
});

Deno.test("each candidate row marks its filter verdict and its learned verifier score", () => {
  const { doc } = fakeDocument();
  const section = bestOfNSection(
    builder(doc),
    trace("both", [
      candidate(0, { verifier_score: 0.8124, score: 0.8124, chosen: true }),
      candidate(1, {
        steps: [right, slip],
        arithmetic_ok: false,
        kept: false,
        score: null,
        final_answer: "36",
      }),
    ]),
  );
  assert.ok(section !== null);
  const s = asFake(section);
  const rows = s.all("tbody")[0]?.all("tr") ?? [];
  assert.deepEqual(
    rows.map((r) => r.all("td")[2]?.getAttribute("data-verdict")),
    ["pass", "fail"],
  );
  assert.deepEqual(rows.map((r) => r.all("td")[3]?.textContent), ["0.812", "–"]);
  assert.deepEqual(rows.map((r) => r.all("td")[3]?.getAttribute("title")), [
    "learned verifier score 0.812",
    "not asked (verifier both)",
  ]);
  const verdicts = s.withAttr("data-candidate").map((li) => li.textContent);
  assert.deepEqual(verdicts, [
    "Candidate 2 fails the arithmetic filter (1 of 2 steps right): 5*9 = 36 (is 45).",
  ]);
});
