/**
 * The checkable task of the prover-verifier game: a problem is three residues (a, b, c) mod p and
 * asks for ((a + b) mod p) * c mod p; a solution is two claimed values (s1, s2), the intermediate
 * s1 = a + b and the final s2 = s1 * c. A solution is correct when its final value is right (as
 * in GSM8K, only the answer counts), so a wrong solution can be an arithmetic slip in the last
 * step or valid arithmetic on a misread first step. Host-side only: enumeration, correctness,
 * one-hot features (padded to multiples of 16 for the wasm matmul) and flaw types.
 *
 * @module
 */
import { padTo } from "../losses.ts";

/** Every problem and solution of one modulus, with the padded feature widths. */
export type PvgTask = {
  p: number;
  /** Number of problems, p^3. */
  problems: number;
  /** Number of solutions per problem, p^2. */
  solutions: number;
  /** Padded solution count: the policy's logit width. */
  solutionsPadded: number;
  /** Padded width of a prover input (3 one-hots of p). */
  proverDim: number;
  /** Padded width of a verifier input (5 one-hots of p). */
  verifierDim: number;
};

/** How an incorrect solution went wrong. */
export type Flaw = "none" | "misread" | "slip" | "both";

/** The task for modulus `p`. */
export function makePvgTask(p: number): PvgTask {
  return {
    p,
    problems: p ** 3,
    solutions: p * p,
    solutionsPadded: padTo(p * p),
    proverDim: padTo(3 * p),
    verifierDim: padTo(5 * p),
  };
}

/** Residues (a, b, c) of problem index `x` (x = (a p + b) p + c). */
export function problemOf(task: PvgTask, x: number): [number, number, number] {
  const p = task.p;
  return [Math.floor(x / (p * p)), Math.floor(x / p) % p, x % p];
}

/** Claimed values (s1, s2) of solution index `z` (z = s1 p + s2). */
export function solutionOf(task: PvgTask, z: number): [number, number] {
  return [Math.floor(z / task.p), z % task.p];
}

/** Index of the correct solution of problem `x`. */
export function correctSolution(task: PvgTask, x: number): number {
  const [a, b, c] = problemOf(task, x);
  const s1 = (a + b) % task.p;
  return s1 * task.p + ((s1 * c) % task.p);
}

/** Whether solution `z` answers problem `x` correctly (its final value is right). */
export function isCorrect(task: PvgTask, x: number, z: number): boolean {
  return solutionOf(task, z)[1] === solutionOf(task, correctSolution(task, x))[1];
}

/**
 * The flaw of solution `z` to problem `x`: "none" when correct; "misread" when s1 is wrong but
 * s2 = s1 * c (valid arithmetic on a misread problem); "slip" when s1 is right but s2 is not;
 * "both" otherwise.
 */
export function flawOf(task: PvgTask, x: number, z: number): Flaw {
  if (isCorrect(task, x, z)) return "none";
  const [a, b, c] = problemOf(task, x);
  const [s1, s2] = solutionOf(task, z);
  const firstRight = s1 === (a + b) % task.p;
  if (firstRight) return "slip";
  return s2 === (s1 * c) % task.p ? "misread" : "both";
}

/** Correctness of every (problem, solution): [problems * solutions], row-major, 1 or 0. */
export function correctnessTable(task: PvgTask): Uint8Array {
  const out = new Uint8Array(task.problems * task.solutions);
  for (let x = 0; x < task.problems; x++) {
    const right = solutionOf(task, correctSolution(task, x))[1];
    for (let z = 0; z < task.solutions; z++) {
      out[x * task.solutions + z] = solutionOf(task, z)[1] === right ? 1 : 0;
    }
  }
  return out;
}

/** One-hot prover inputs of every problem: [problems, proverDim] row-major. */
export function proverFeatures(task: PvgTask): Float64Array {
  const out = new Float64Array(task.problems * task.proverDim);
  for (let x = 0; x < task.problems; x++) {
    problemOf(task, x).forEach((v, slot) => {
      out[x * task.proverDim + slot * task.p + v] = 1;
    });
  }
  return out;
}

/** One-hot verifier input of (problem x, solution z) written into `out` at row `row`. */
export function writeVerifierFeatures(
  task: PvgTask,
  x: number,
  z: number,
  out: Float64Array,
  row: number,
): void {
  const values = [...problemOf(task, x), ...solutionOf(task, z)];
  values.forEach((v, slot) => {
    out[row * task.verifierDim + slot * task.p + v] = 1;
  });
}

/** Verifier inputs of every (problem, solution): [problems * solutions, verifierDim]. */
export function allVerifierFeatures(task: PvgTask): Float64Array {
  const rows = task.problems * task.solutions;
  const out = new Float64Array(rows * task.verifierDim);
  for (let x = 0; x < task.problems; x++) {
    for (let z = 0; z < task.solutions; z++) {
      writeVerifierFeatures(task, x, z, out, x * task.solutions + z);
    }
  }
  return out;
}

/**
 * The base prover's target distribution (a stand-in for a few-shot prompted model): mass
 * `accuracy` on the correct solution, the rest split evenly between misread and slip solutions.
 * Returns [problems, solutionsPadded] row-major, zero on padding.
 */
export function baseTargets(task: PvgTask, accuracy: number): Float64Array {
  const out = new Float64Array(task.problems * task.solutionsPadded);
  for (let x = 0; x < task.problems; x++) {
    const misread: number[] = [];
    const slip: number[] = [];
    for (let z = 0; z < task.solutions; z++) {
      const flaw = flawOf(task, x, z);
      if (flaw === "misread") misread.push(z);
      else if (flaw === "slip") slip.push(z);
    }
    const row = x * task.solutionsPadded;
    out[row + correctSolution(task, x)] = accuracy;
    // With c = 0 every misread still lands on the right answer: slips then take all the mass.
    const slipMass = misread.length === 0 ? 1 - accuracy : (1 - accuracy) / 2;
    for (const z of misread) out[row + z] = (1 - accuracy - slipMass) / misread.length;
    for (const z of slip) out[row + z] = slipMass / slip.length;
  }
  return out;
}
