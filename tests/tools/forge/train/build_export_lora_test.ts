/**
 * Sizing target_lora's slot inputs from the exported adapters' PEFT configs: one slot per
 * adapter plus slot 0, the largest rank (rank_pattern included), the union of target modules
 * in the forge's module order; bad configs fail in the house style.
 *
 * @module
 */
import assert from "node:assert/strict";
import { loraSlotsFor } from "../../../../tools/forge/train/build_export_lora.ts";

Deno.test("loraSlotsFor() fits two rank-8 adapters on all seven projections", () => {
  const all = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"];
  const peft = { r: 8, lora_alpha: 16, target_modules: all, rank_pattern: {} };
  assert.deepEqual(loraSlotsFor([peft, peft]), { slots: 3, r_max: 8, targets: all });
});

Deno.test("loraSlotsFor() takes the largest rank and the union of modules in forge order", () => {
  const slots = loraSlotsFor([
    { r: 4, target_modules: ["down_proj", "q_proj"] },
    { r: 2, target_modules: ["v_proj"], rank_pattern: { "layers.1.self_attn.v_proj": 16 } },
    { r: 8, target_modules: ["q_proj"], rank_pattern: null },
  ]);
  assert.deepEqual(slots, { slots: 4, r_max: 16, targets: ["q_proj", "v_proj", "down_proj"] });
});

Deno.test("loraSlotsFor() refuses no adapters and an unknown module with the house error", () => {
  assert.throws(() => loraSlotsFor([]), /^RangeError: Cannot size LoRA slots as no adapter/);
  assert.throws(
    () => loraSlotsFor([{ r: 8, target_modules: ["lm_head"] }]),
    /Cannot size LoRA slots as adapter 0's 'target_modules.0' is invalid: current value is/,
  );
});
