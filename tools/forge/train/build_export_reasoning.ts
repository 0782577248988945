/**
 * Manifest entries of the optional reasoning models, exported from their finished runs when
 * present: the learned verifier, the Self-RAG reader and the CoVe model (plain model runs) and the Quiet-STaR
 * thinking model (the target's weights plus a mixing head, exported with `mixing_weight`). A run
 * without its done marker is skipped, so a world build without them exports as before.
 *
 * @module
 */
import { readJson } from "./read_json.ts";
import { llamaParameterCount } from "../llama_config.ts";
import { exportModelRun, fileEntries } from "./build_export.ts";
import { JobResult } from "./build_job.ts";
import { exportThinkingFolder } from "./quiet_star/export.ts";
import { loadQsCheckpoint } from "./quiet_star/qs_settings.ts";
import type { WorldManifestEntry } from "./world_manifest.ts";

/** Mean of the last `n` values (NaN-free: 0 for none). */
function meanLast(values: readonly number[], n: number): number {
  const tail = values.slice(-n);
  return tail.reduce((a, b) => a + b, 0) / Math.max(1, tail.length);
}

/** The plain model runs among the reasoning models, in manifest order. */
export const REASONING_MODEL_RUNS = ["verifier", "reader", "cove"] as const;

/**
 * Export `<runs>/{verifier,reader,cove,thinking}` into the same names under `<out>` when they
 * finished; returns their entries (those that finished, in that order).
 *
 * @example
 * ```ts
 * const extra = await exportReasoningRuns("models/world", "runs/forge-world");
 * ```
 */
export async function exportReasoningRuns(
  out: string,
  runs: string,
): Promise<WorldManifestEntry[]> {
  const entries: WorldManifestEntry[] = [];
  for (const name of REASONING_MODEL_RUNS) {
    const done = JobResult.safeParse(await readJson(`${runs}/${name}/done.json`));
    if (done.success) entries.push(await exportModelRun(out, name, `${runs}/${name}`, done.data));
  }
  if ((await readJson(`${runs}/thinking/done.json`)) !== undefined) {
    const ckpt = await loadQsCheckpoint(`${runs}/thinking`);
    const { settings, step, history } = ckpt.state;
    const files = await exportThinkingFolder(
      `${out}/thinking`,
      {
        config: settings.model,
        weights: ckpt.weights,
        head: ckpt.head,
        trained: { k: settings.k, t: settings.t, steps: step },
      },
      out,
    );
    const head = [...ckpt.head.values()].reduce((n, t) => n + t.data.length, 0);
    const losses = history.map((h) => h.loss);
    entries.push({
      name: "thinking",
      kind: "model",
      path: "thinking",
      base: "target",
      parameters: llamaParameterCount(settings.model) + head,
      training: { ...settings, objective: "quiet_star" },
      steps: step,
      final_loss: losses.at(-1) ?? 0,
      final_loss_mean20: meanLast(losses, 20),
      files: await fileEntries("thinking/", files),
    });
  }
  return entries;
}
