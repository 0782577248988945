/**
 * Settings and presets of the grokking experiment.
 *
 * Presets: `gromov` (Gromov 2023: quadratic MLP, p = 97, MSE, AdamW), `nanda` (Nanda et al.
 * 2023: one-layer transformer, p = 113, AdamW lr 1e-3, wd 1, betas 0.9/0.98, 30% train, full
 * batch; sized for WebGPU, hours on two CPU cores), and `quick`, a smaller quadratic MLP tuned by
 * measurement to grok within the CLI's three-minute budget on two cores.
 *
 * @module
 */
import { z } from "zod";
import { Activation } from "./activations.ts";
import { LabDtype } from "./device.ts";
import { ClassifierLoss } from "./losses.ts";
import { ModularOp } from "./modular_data.ts";
import { OptimizerSettings } from "./optim.ts";
import { TransformerConfig } from "./transformer.ts";

/** Model of a grokking run. */
export const GrokkingModel = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("mlp"),
    width: z.number().int().positive(),
    activation: Activation.default("quadratic"),
    /** Weight std times sqrt(fan_in) at initialisation (Omnigrok: larger delays grokking). */
    initScale: z.number().positive().default(1),
  }),
  TransformerConfig.extend({ kind: z.literal("transformer") }),
]);
/** Model of a grokking run. */
export type GrokkingModel = z.infer<typeof GrokkingModel>;

/** Every setting of a grokking run. */
export const GrokkingSettings = z.object({
  p: z.number().int().min(3).max(257),
  op: ModularOp.default("add"),
  trainFraction: z.number().gt(0).lt(1),
  model: GrokkingModel,
  loss: ClassifierLoss.default("cross_entropy"),
  optimizer: OptimizerSettings,
  /** Rows per step; omitted means full batch. */
  batchSize: z.number().int().positive().optional(),
  /** Upper bound on optimiser steps. */
  steps: z.number().int().positive(),
  /** Evaluate train and test metrics every this many steps (the detection resolution). */
  evalEvery: z.number().int().positive().default(10),
  /** Keep training this many steps after the grok step (0 stops at once). */
  afterGrokSteps: z.number().int().nonnegative().default(0),
  /** Train accuracy that counts as memorised. */
  memorizeAt: z.number().gt(0).max(1).default(0.99),
  /** Test accuracy that counts as grokked. */
  grokAt: z.number().gt(0).max(1).default(0.95),
  seed: z.number().int().default(0),
  dtype: LabDtype.default("float32"),
});
/** Every setting of a grokking run. */
export type GrokkingSettings = z.infer<typeof GrokkingSettings>;
/** Grokking settings as a caller may write them (defaults not yet applied). */
export type GrokkingSettingsInput = z.input<typeof GrokkingSettings>;

/** Named presets. */
export const GROKKING_PRESETS = {
  quick: {
    p: 59,
    op: "add",
    trainFraction: 0.4,
    model: { kind: "mlp", width: 256, activation: "quadratic", initScale: 1 },
    loss: "cross_entropy",
    optimizer: { kind: "adamw", lr: 3e-3, weightDecay: 1 },
    steps: 6000,
    evalEvery: 10,
    afterGrokSteps: 100,
  },
  gromov: {
    p: 97,
    op: "add",
    trainFraction: 0.5,
    // Gromov used width 500; 512 keeps every matmul dimension a multiple of 16.
    model: { kind: "mlp", width: 512, activation: "quadratic", initScale: 1 },
    loss: "mse",
    optimizer: { kind: "adamw", lr: 1e-2, weightDecay: 1 },
    steps: 4000,
    evalEvery: 20,
  },
  nanda: {
    p: 113,
    op: "add",
    trainFraction: 0.3,
    model: { kind: "transformer", dModel: 128, heads: 4, dMlp: 512 },
    loss: "cross_entropy",
    optimizer: { kind: "adamw", lr: 1e-3, weightDecay: 1, beta1: 0.9, beta2: 0.98 },
    steps: 20000,
    evalEvery: 100,
  },
} as const satisfies Record<string, GrokkingSettingsInput>;

/** Name of a preset. */
export const GrokkingPresetName = z.enum(["quick", "gromov", "nanda"]);
/** Name of a preset. */
export type GrokkingPresetName = z.infer<typeof GrokkingPresetName>;
