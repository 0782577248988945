import assert from "node:assert/strict";
import { leaveOneOutAdvantages, srcRewards } from "../../../../client/lab/pvg/src_reward.ts";

Deno.test("SRC gives a role-aligned above-average solution its centred score", () => {
  // mean 2 -> V' = [1, -1, 0, 0.5, -0.5]
  const scores = [3, 1, 2, 2.5, 1.5];
  assert.deepEqual(srcRewards(scores, [true, true, true, true, true], "helpful"), [
    1,
    -1,
    -1,
    0.5,
    -1,
  ]);
});

Deno.test("SRC penalises a role-misaligned above-average solution by -V' and below-average by -1", () => {
  const scores = [4, 0, 2]; // V' = [2, -2, 0]
  // Helpful prover, first solution wrong but convincing: -(2); the others are not above average.
  assert.deepEqual(srcRewards(scores, [false, true, true], "helpful"), [-2, -1, -1]);
  // Sneaky prover: an incorrect convincing solution earns +V', a correct convincing one -V'.
  assert.deepEqual(srcRewards(scores, [false, false, true], "sneaky"), [2, -1, -1]);
  assert.deepEqual(srcRewards(scores, [true, false, false], "sneaky"), [-2, -1, -1]);
});

Deno.test("SRC of a batch with equal scores is -1 everywhere (no solution is above average)", () => {
  assert.deepEqual(srcRewards([0.7, 0.7, 0.7], [true, false, true], "helpful"), [-1, -1, -1]);
});

Deno.test("SRC rejects mismatched lengths with the house error style", () => {
  assert.throws(() => srcRewards([1, 2], [true], "helpful"), /Cannot compute SRC rewards/);
});

Deno.test("leave-one-out advantages subtract the mean of the other rewards", () => {
  assert.deepEqual(leaveOneOutAdvantages([1, -1, -1, 3]), [
    1 - 1 / 3,
    -1 - 1,
    -1 - 1,
    3 + 1 / 3,
  ]);
  assert.deepEqual(leaveOneOutAdvantages([-1, -1, -1]), [0, 0, 0]);
  assert.deepEqual(leaveOneOutAdvantages([5]), [5]);
});
