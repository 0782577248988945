import assert from "node:assert/strict";
import fc from "fast-check";
import { verifyProposals } from "../../../../client/engine/speculative/verify.ts";
import { createRng, type Rng, sampleFromWeights } from "../../../../client/engine/sampling/mod.ts";

const V = 10;
const GAMMA = 2;

/** A random distribution over V tokens (seeded), optionally zero outside `support`. */
function distribution(rng: Rng, support: readonly number[] = [...Array(V).keys()]): Float32Array {
  const p = new Float32Array(V);
  for (const i of support) p[i] = 0.05 + rng.next();
  const total = p.reduce((s, x) => s + x, 0);
  return p.map((x) => x / total);
}

interface Case {
  /** p_0..p_gamma, each [V]. */
  readonly p: Float32Array[];
  /** q_1..q_gamma, each [V]. */
  readonly q: Float32Array[];
}

/** Lay out N rows that all share the case's distributions, with proposals drawn from q. */
function batchInput(c: Case, n: number, draftRng: Rng) {
  const G = c.q.length;
  const target = new Float32Array(n * (G + 1) * V);
  const draft = new Float32Array(n * G * V);
  const proposals = new Int32Array(n * G);
  for (let b = 0; b < n; b++) {
    c.p.forEach((pj, j) => target.set(pj, (b * (G + 1) + j) * V));
    c.q.forEach((qj, j) => {
      draft.set(qj, (b * G + j) * V);
      proposals[b * G + j] = sampleFromWeights(qj, draftRng);
    });
  }
  return { batch: n, gammaMax: G, vocabSize: V, target, draft, proposals };
}

type Verifier = typeof verifyProposals;

/** Histograms of the emitted token at each position (where the row reached it). */
function histograms(verify: Verifier, c: Case, samples: number, seed: number): number[][] {
  const G = c.q.length;
  const counts = Array.from({ length: G + 1 }, () => new Array(V).fill(0));
  const rng = createRng(seed, 0), draftRng = createRng(seed, 1);
  const chunk = 20_000;
  for (let done = 0; done < samples; done += chunk) {
    const input = batchInput(c, chunk, draftRng);
    const { tokens, accepted } = verify({
      ...input,
      gammas: new Int32Array(chunk).fill(G),
      greedy: new Array(chunk).fill(false),
      rngs: new Array(chunk).fill(rng),
    });
    for (let b = 0; b < chunk; b++) {
      for (let j = 0; j <= accepted[b]!; j++) counts[j]![tokens[b * (G + 1) + j]!]++;
    }
  }
  return counts;
}

/** Pearson's chi-square of observed counts against probabilities. */
function chiSquare(observed: readonly number[], p: Float32Array): number {
  const n = observed.reduce((s, x) => s + x, 0);
  return observed.reduce((s, o, i) => s + (o - n * p[i]!) ** 2 / (n * p[i]!), 0);
}

/** chi-square(9) quantile at 1 - 1e-4: a correct sampler exceeds it one time in 10,000. */
const CHI2_9_CRITICAL = 33.72;

/** The Leviathan rule with one bug: at a rejection it samples from p, not norm(max(0, p - q)). */
const residualFromTarget: Verifier = (input) => {
  const { batch: B, gammaMax: G, vocabSize: n } = input;
  const tokens = new Int32Array(B * (G + 1)).fill(-1);
  const accepted = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    const rng = input.rngs[b]!;
    const p = (j: number) =>
      input.target.subarray((b * (G + 1) + j) * n, (b * (G + 1) + j + 1) * n);
    let j = 0, final = -1;
    for (; j < (input.gammas[b] ?? 0); j++) {
      const d = input.proposals[b * G + j]!;
      const q = input.draft.subarray((b * G + j) * n, (b * G + j + 1) * n);
      if (rng.next() * q[d]! < p(j)[d]!) continue;
      final = sampleFromWeights(p(j), rng);
      break;
    }
    if (final < 0) final = sampleFromWeights(p(j), rng);
    for (let i = 0; i < j; i++) tokens[b * (G + 1) + i] = input.proposals[b * G + i]!;
    tokens[b * (G + 1) + j] = final;
    accepted[b] = j;
  }
  return { tokens, accepted };
};

function randomCase(seed: number): Case {
  const rng = createRng(seed, 99);
  return {
    p: Array.from({ length: GAMMA + 1 }, () => distribution(rng)),
    q: Array.from({ length: GAMMA }, () => distribution(rng)),
  };
}

Deno.test("verifyProposals() emits tokens distributed as the target at every position (vocab 10, gamma 2, 100,000 samples, chi-square)", () => {
  const c = randomCase(1);
  const counts = histograms(verifyProposals, c, 100_000, 11);
  counts.forEach((observed, j) => {
    const stat = chiSquare(observed, c.p[j]!);
    assert.ok(stat < CHI2_9_CRITICAL, `position ${j}: chi-square ${stat.toFixed(1)}`);
  });
  // Position 1 and the bonus are reached often enough for the test to have power there too.
  assert.ok(counts[2]!.reduce((s, x) => s + x, 0) > 10_000);
});

Deno.test("the chi-square test rejects a verifier whose residual samples from p instead of norm(max(0, p - q)) (negative control)", () => {
  const c = randomCase(1);
  const counts = histograms(residualFromTarget, c, 100_000, 11);
  const stat = chiSquare(counts[0]!, c.p[0]!);
  assert.ok(stat > 10 * CHI2_9_CRITICAL, `chi-square of the wrong residual ${stat.toFixed(1)}`);
});

Deno.test("verifyProposals() accepts every proposal and adds a bonus token when draft equals target", () => {
  const rng = createRng(3);
  const p = Array.from({ length: GAMMA + 1 }, () => distribution(rng));
  const c: Case = { p, q: p.slice(0, GAMMA) };
  const n = 2_000;
  const input = batchInput(c, n, createRng(4));
  const { tokens, accepted } = verifyProposals({
    ...input,
    gammas: new Int32Array(n).fill(GAMMA),
    greedy: new Array(n).fill(false),
    rngs: new Array(n).fill(createRng(5)),
  });
  assert.ok(accepted.every((a) => a === GAMMA));
  for (let b = 0; b < n; b++) {
    assert.deepEqual(
      [...tokens.subarray(b * 3, b * 3 + 2)],
      [...input.proposals.subarray(b * 2, b * 2 + 2)],
    );
    assert.ok(tokens[b * 3 + 2]! >= 0, "bonus token");
  }
});

Deno.test("verifyProposals() accepts nothing when the supports of p and q are disjoint, and emits from p", () => {
  const rng = createRng(6);
  const low = [0, 1, 2, 3, 4], high = [5, 6, 7, 8, 9];
  const c: Case = {
    p: Array.from({ length: GAMMA + 1 }, () => distribution(rng, low)),
    q: Array.from({ length: GAMMA }, () => distribution(rng, high)),
  };
  const n = 5_000;
  const input = batchInput(c, n, createRng(7));
  const { tokens, accepted } = verifyProposals({
    ...input,
    gammas: new Int32Array(n).fill(GAMMA),
    greedy: new Array(n).fill(false),
    rngs: new Array(n).fill(createRng(8)),
  });
  assert.ok(accepted.every((a) => a === 0));
  for (let b = 0; b < n; b++) {
    assert.ok(low.includes(tokens[b * 3]!), `token ${tokens[b * 3]}`);
    assert.equal(tokens[b * 3 + 1], -1);
    assert.equal(tokens[b * 3 + 2], -1);
  }
});

Deno.test("verifyProposals() at temperature 0 accepts on argmax agreement, emits argmax p at the first mismatch and never draws", () => {
  // Processed logits (only the argmax matters), ties resolved to the lowest id.
  const logits = (best: number) => Float32Array.from({ length: V }, (_, i) => (i === best ? 5 : 1));
  const tie = Float32Array.from({ length: V }, (_, i) => (i === 3 || i === 6 ? 5 : 0));
  let draws = 0;
  const counting: Rng = { next: () => (draws++, 0.5) };
  const target = new Float32Array(3 * 4 * V); // [3 rows, gammaMax 3 + 1, V]
  const put = (b: number, j: number, row: Float32Array) => target.set(row, (b * 4 + j) * V);
  // Row 0: proposals 4, 7, 1; target argmax 4, 7, 2 -> accepts 2, emits 2.
  [4, 7, 2, 9].forEach((t, j) => put(0, j, logits(t)));
  // Row 1: all three agree -> accepts 3 plus the bonus argmax 8.
  [1, 2, 3, 8].forEach((t, j) => put(1, j, logits(t)));
  // Row 2: gamma 1, a tie at position 0 resolves to 3; proposal 6 is rejected.
  put(2, 0, tie);
  const { tokens, accepted } = verifyProposals({
    batch: 3,
    gammaMax: 3,
    vocabSize: V,
    target,
    draft: new Float32Array(3 * 3 * V),
    proposals: Int32Array.from([4, 7, 1, 1, 2, 3, 6, 0, 0]),
    gammas: [3, 3, 1],
    greedy: [true, true, true],
    rngs: [counting, counting, counting],
  });
  assert.deepEqual([...accepted], [2, 3, 0]);
  assert.deepEqual([...tokens], [4, 7, 2, -1, 1, 2, 3, 8, 3, -1, -1, -1]);
  assert.equal(draws, 0);
});

Deno.test("verifyProposals() returns a fixed [batch, gammaMax + 1] array padded with -1 for rows of different gamma", () => {
  const rng = createRng(12);
  const G = 4;
  const rows = [0, 1, 4];
  const target = new Float32Array(rows.length * (G + 1) * V);
  const draft = new Float32Array(rows.length * G * V);
  for (let i = 0; i < target.length / V; i++) target.set(distribution(rng), i * V);
  for (let i = 0; i < draft.length / V; i++) draft.set(distribution(rng), i * V);
  const { tokens, accepted } = verifyProposals({
    batch: rows.length,
    gammaMax: G,
    vocabSize: V,
    target,
    draft,
    proposals: new Int32Array(rows.length * G).fill(3),
    gammas: rows,
    greedy: [false, false, false],
    rngs: [createRng(1), createRng(2), createRng(3)],
  });
  assert.equal(tokens.length, rows.length * (G + 1));
  rows.forEach((gamma, b) => {
    const a = accepted[b]!;
    assert.ok(a <= gamma);
    const row = [...tokens.subarray(b * (G + 1), (b + 1) * (G + 1))];
    assert.ok(row.slice(0, a + 1).every((t) => t >= 0 && t < V));
    assert.ok(row.slice(a + 1).every((t) => t === -1), `row ${b}: ${row}`);
  });
});

Deno.test("verifyProposals() is reproducible: the same row generators give the same tokens", () => {
  const c = randomCase(21);
  const run = () => {
    const input = batchInput(c, 500, createRng(22));
    const rngs = Array.from({ length: 500 }, (_, b) => createRng(23, b));
    return verifyProposals({
      ...input,
      gammas: new Int32Array(500).fill(GAMMA),
      greedy: new Array(500).fill(false),
      rngs,
    }).tokens;
  };
  assert.deepEqual(run(), run());
});

Deno.test("verifyProposals() never emits a token the target masked (top-k/top-p zeros), whatever the draft proposes", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      fc.integer({ min: 1, max: 4 }),
      fc.array(fc.integer({ min: 0, max: V - 1 }), { minLength: 1, maxLength: V }),
      (seed, gamma, kept) => {
        const rng = createRng(seed);
        const support = [...new Set(kept)];
        const p = Array.from({ length: gamma + 1 }, () => distribution(rng, support));
        const q = Array.from({ length: gamma }, () => distribution(rng));
        const input = batchInput({ p, q }, 50, createRng(seed, 1));
        const { tokens, accepted } = verifyProposals({
          ...input,
          gammas: new Int32Array(50).fill(gamma),
          greedy: new Array(50).fill(false),
          rngs: new Array(50).fill(createRng(seed, 2)),
        });
        for (let b = 0; b < 50; b++) {
          for (let j = 0; j <= accepted[b]!; j++) {
            const t = tokens[b * (gamma + 1) + j]!;
            if (!(p[j]![t]! > 0)) return false;
          }
        }
        return true;
      },
    ),
    { numRuns: 200 },
  );
});
