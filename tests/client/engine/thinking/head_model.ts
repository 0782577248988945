/**
 * Test helper: the thinking test model exported with a Quiet-STaR mixing head (config.json
 * `quiet_star.mixing_head` and the `mixing_weight` output), and engines over it. The head is
 * zero-initialized (w = 0), constant (last layer 0, bias b: w = b everywhere) or varying.
 *
 * @module
 */
import { writeFileSet } from "../../../../tools/forge/model_folder.ts";
import { initMixingHead } from "../../../../tools/forge/train/quiet_star/mixing_head.ts";
import { thinkingFolderFiles } from "../../../../tools/forge/train/quiet_star/export.ts";
import { createEngine } from "../../../../client/engine/engine.ts";
import type { Engine } from "../../../../client/engine/api.ts";
import { configureOrt, type ExecutionProvider } from "../../../../client/engine/ort.ts";
import { thinkingModelParts } from "./thinking_model.ts";

/** Which head: zero-initialized, constant w, or a varying w (non-zero last layer). */
export type HeadKind =
  | { readonly kind: "zero" }
  | { readonly kind: "constant"; readonly w: number }
  | { readonly kind: "varying" };

const folders = new Map<string, Promise<string>>();

/** Forge the head model once per kind into a temp folder; returns the path. */
export function headModelPath(head: HeadKind): Promise<string> {
  const key = JSON.stringify(head);
  let p = folders.get(key);
  if (p === undefined) {
    p = (async () => {
      const { tok, config, weights } = thinkingModelParts();
      const h = config.hidden_size;
      const tensors = head.kind === "zero"
        ? initMixingHead(h, 17)
        : head.kind === "constant"
        ? initMixingHead(h, 17, { weight: 0, bias: head.w })
        : initMixingHead(h, 17, { weight: 0.03, bias: 0.5 });
      const dir = await Deno.makeTempDir({ prefix: "verity_thinking_head_" });
      removeAtExit(dir);
      await writeFileSet(
        dir,
        thinkingFolderFiles({
          config,
          weights,
          head: tensors,
          tokenizerJson: tok.tokenizerJson,
          tokenizerConfig: tok.tokenizerConfig,
        }),
      );
      return dir;
    })();
    folders.set(key, p);
  }
  return p;
}

/** An engine over a head model (wasm single-threaded by default). */
export async function headEngine(
  head: HeadKind,
  ep: ExecutionProvider = "wasm",
): Promise<Engine> {
  configureOrt({ numThreads: 1 });
  return createEngine({ model: { kind: "path", path: await headModelPath(head) }, ep });
}

/** Remove a per-process temp folder when the test process ends. */
function removeAtExit(dir: string): void {
  globalThis.addEventListener("unload", () => {
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch {
      // Already gone.
    }
  });
}
