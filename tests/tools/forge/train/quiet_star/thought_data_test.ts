import assert from "node:assert/strict";
import {
  branchPositions,
  finishThoughts,
  planStep,
  startThoughts,
  thoughtStepSelect,
} from "../../../../../tools/forge/train/quiet_star/thought_data.ts";
import type { QsShape } from "../../../../../tools/forge/train/quiet_star/objective.ts";
import { QS_TOKENS, qsExamples } from "./qs_fixtures.ts";

const SHAPE: QsShape = { batch: 2, seq: 18, positions: 3, k: 2, t: 3, ahead: 2 };
const S = SHAPE.seq + SHAPE.t + 2;

Deno.test("branch positions have a trained next token and `ahead` true tokens after them", () => {
  const e = { ids: Int32Array.of(5, 6, 7, 8, 9, 10), mask: Uint8Array.of(0, 0, 0, 1, 1, 1) };
  assert.deepEqual(branchPositions(e, 2), [2, 3]);
  assert.deepEqual(branchPositions(e, 1), [2, 3, 4]);
});

Deno.test("a step's plan is a pure function of (seed, step) and its base weights sum to 1", () => {
  const ex = qsExamples(10);
  const a = planStep(ex, SHAPE, 4, 7, 0);
  const b = planStep(ex, SHAPE, 4, 7, 0);
  assert.deepEqual(a.branch, b.branch);
  assert.deepEqual(a.baseInputs, b.baseInputs);
  assert.notDeepEqual(planStep(ex, SHAPE, 4, 8, 0).baseInputs, a.baseInputs);
  const sum = a.baseWeights.reduce((x, y) => x + y, 0);
  assert.ok(Math.abs(sum - 1) < 1e-5);
});

Deno.test("thought sequences hold prefix, SOT, thoughts, EOT, continuation; selections point at them", () => {
  const ex = qsExamples(10);
  const plan = planStep(ex, SHAPE, 4, 1, 0);
  const seqs = startThoughts(plan, SHAPE, QS_TOKENS);
  const R = SHAPE.batch * SHAPE.positions * SHAPE.k;
  // Thought token q of row r goes at i + 2 + q; its logits come from position i + 1 + q.
  for (let q = 0; q < SHAPE.t; q++) {
    const sel = thoughtStepSelect(plan, SHAPE, q);
    for (let r = 0; r < R; r++) {
      const i = plan.branch[Math.floor(r / SHAPE.k)]!;
      assert.equal(sel[r * S + i + 1 + q], 1);
      seqs[r * S + i + 2 + q] = 30 + q;
    }
  }
  const sel = finishThoughts(plan, SHAPE, QS_TOKENS, seqs);
  for (let r = 0; r < R; r++) {
    const b = Math.floor(r / (SHAPE.positions * SHAPE.k));
    const i = plan.branch[Math.floor(r / SHAPE.k)]!;
    const e = plan.examples[b]!;
    const row = [...seqs.subarray(r * S, (r + 1) * S)];
    assert.deepEqual(row.slice(0, i + 1), [...e.ids.subarray(0, i + 1)]);
    assert.deepEqual(row.slice(i + 1, i + SHAPE.t + 3), [3, 30, 31, 32, 4]);
    assert.equal(row[i + SHAPE.t + 3], e.ids[i + 1]);
    assert.equal(sel.selSot[r * S + i + 1], 1);
    for (let j = 0; j < SHAPE.ahead; j++) {
      assert.equal(sel.postTargets[r * SHAPE.ahead + j], e.ids[i + 1 + j]);
      assert.equal(sel.selPost[(r * SHAPE.ahead + j) * S + i + SHAPE.t + 2 + j], 1);
    }
  }
  // Every selection row is one-hot.
  const rowsOf = (a: Float32Array, w: number) =>
    Array.from({ length: a.length / w }, (_, k) => a.subarray(k * w, (k + 1) * w));
  for (
    const [a, w] of [[sel.selSot, S], [sel.selPost, S], [sel.selThought, S], [
      sel.selBase,
      SHAPE.seq,
    ]] as const
  ) {
    for (const row of rowsOf(a, w)) assert.equal(row.reduce((x, y) => x + y, 0), 1);
  }
});
