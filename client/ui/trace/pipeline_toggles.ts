/**
 * The pipeline toggles of the composer: S2A (off, LLM rewrite, model-free filter), Self-RAG,
 * best-of-n with its n, selection and verifier, CoVe with its variant, and speculative decoding
 * with gamma auto or fixed, and Quiet-STaR thinking (thinking_toggles.ts). Native, labelled form controls (fieldsets with legends,
 * <label for>), so keyboard and screen readers work without extra ARIA. Self-RAG and best-of-n
 * both answer the question, so while one is on the other is disabled and a visible note,
 * linked with aria-describedby, says why.
 *
 * @module
 */
import { type Build, builder } from "./dom.ts";
import {
  ANSWER_STAGE_CONFLICT,
  BEST_OF_N_SELECTIONS,
  BEST_OF_N_VERIFIERS,
  type BestOfNSettings,
  COVE_VARIANTS,
  type CoveVariant,
  defaultPipelineSettings,
  hasStages,
  MAX_BEST_OF_N,
  PipelineSettings,
  type PipelineSettingsInput,
  THINKING_STAGE_NOTE,
  toPipelineRequest,
} from "./pipeline_settings.ts";
import type { ThinkingSupport } from "./thinking_settings.ts";
import { thinkingControls } from "./thinking_toggles.ts";

export { defaultPipelineSettings, PipelineSettings, toPipelineRequest };
export type {
  BestOfNSettings,
  CoveVariant,
  PipelineRequest,
  PipelineSettingsInput,
} from "./pipeline_settings.ts";

/** Fixed gamma values offered besides "auto". */
export const GAMMA_CHOICES = [1, 2, 3, 4, 5, 6, 8] as const;

const S2A_LABELS = { off: "Off", llm: "LLM rewrite", filter: "Filter (no model)" } as const;
const COVE_LABELS: Record<CoveVariant | "off", string> = {
  off: "Off",
  joint: "Joint",
  two_step: "2-step",
  factored: "Factored",
  factor_revise: "Factor + revise",
};
const SELECTION_LABELS = { top: "Top-scored candidate", vote: "Verifier-weighted vote" } as const;
const VERIFIER_LABELS = {
  arithmetic: "Arithmetic check",
  learned: "Learned (model scores)",
  both: "Arithmetic, then learned",
  none: "None (plain vote)",
} as const;

/** The best-of-n controls and the notes that explain the Self-RAG conflict. */
interface BestOfNControls {
  readonly box: HTMLElement;
  readonly enabled: HTMLInputElement;
  readonly n: HTMLInputElement;
  readonly selection: HTMLSelectElement;
  readonly verifier: HTMLSelectElement;
  /** Shown while Self-RAG is on (best-of-n is then disabled). */
  readonly why: HTMLElement;
}

function bestOfNControls(h: Build, p: string): BestOfNControls {
  const enabled = h("input", { type: "checkbox", id: `${p}-bon` }) as HTMLInputElement;
  const n = h("input", {
    type: "number",
    id: `${p}-bon-n`,
    min: "1",
    max: String(MAX_BEST_OF_N),
    step: "1",
    inputmode: "numeric",
  }) as HTMLInputElement;
  const selection = h(
    "select",
    { id: `${p}-bon-selection` },
    ...BEST_OF_N_SELECTIONS.map((v) => h("option", { value: v }, SELECTION_LABELS[v])),
  ) as HTMLSelectElement;
  const verifier = h(
    "select",
    { id: `${p}-bon-verifier` },
    ...BEST_OF_N_VERIFIERS.map((v) => h("option", { value: v }, VERIFIER_LABELS[v])),
  ) as HTMLSelectElement;
  const why = h(
    "small",
    { id: `${p}-bon-why`, class: "pipeline-conflict" },
    ` Off while Self-RAG is on: ${ANSWER_STAGE_CONFLICT}.`,
  );
  const box = h(
    "fieldset",
    { class: "pipeline-best-of-n" },
    h("legend", {}, "Best-of-n"),
    h(
      "div",
      {},
      enabled,
      h("label", { for: enabled.id }, "Sample n answers, keep the verified best"),
      why,
    ),
    h("label", { for: n.id }, "Candidates (n)"),
    " ",
    n,
    " ",
    h("label", { for: selection.id }, "Pick"),
    " ",
    selection,
    " ",
    h("label", { for: verifier.id }, "Verifier"),
    " ",
    verifier,
  );
  return { box, enabled, n, selection, verifier, why };
}

/** Show or hide a conflict note and link it to the control it explains. */
function explain(control: HTMLInputElement, note: HTMLElement, blocked: boolean): void {
  control.disabled = blocked;
  note.hidden = !blocked;
  if (blocked) control.setAttribute("aria-describedby", note.id);
  else control.removeAttribute("aria-describedby");
}

/** The n the field shows, clamped to 1..MAX_BEST_OF_N (`fallback` when it is not a number). */
function readN(field: HTMLInputElement, fallback: number): number {
  const v = Math.round(Number(field.value));
  if (field.value.trim() === "" || !Number.isFinite(v)) return fallback;
  return Math.min(MAX_BEST_OF_N, Math.max(1, v));
}

/** Options of {@link renderPipelineToggles}. */
export interface ToggleOptions {
  /** Prefix of the control ids (default "pipeline"); distinct per toggle group on a page. */
  readonly idPrefix?: string;
  /** Why speculative decoding is unavailable (e.g. no draft model): disables its controls. */
  readonly speculativeUnavailable?: string;
  /** What the loaded model offers for thinking (the mixing head option needs `mixingHead`). */
  readonly thinkingSupport?: ThinkingSupport;
  /** Why thinking is unavailable (e.g. a draft model is loaded): disables its controls. */
  readonly thinkingUnavailable?: string;
}

/** The handle of a rendered toggle group. */
export interface PipelineToggles {
  /** The settings the controls show. */
  get(): PipelineSettings;
  /** Show `s` (does not call onChange); throws when Self-RAG and best-of-n are both on. */
  set(s: PipelineSettingsInput): void;
}

/**
 * Render the toggles into `root`; `onChange` gets the new settings after each user change.
 *
 * @example
 * ```ts
 * const toggles = renderPipelineToggles(form, defaultPipelineSettings, (s) => save(s));
 * toggles.set(conversation.settings);
 * ```
 */
export function renderPipelineToggles(
  root: HTMLElement,
  initial: PipelineSettingsInput,
  onChange: (s: PipelineSettings) => void,
  options: ToggleOptions = {},
): PipelineToggles {
  const doc = root.ownerDocument;
  const h = builder(doc);
  const p = options.idPrefix ?? "pipeline";
  const radios = (["off", "llm", "filter"] as const).map((v) => {
    const input = h("input", {
      type: "radio",
      name: `${p}-s2a`,
      id: `${p}-s2a-${v}`,
      value: v,
    }) as HTMLInputElement;
    return { v, input, label: h("label", { for: input.id }, S2A_LABELS[v]) };
  });
  const selfrag = h("input", { type: "checkbox", id: `${p}-selfrag` }) as HTMLInputElement;
  const selfragWhy = h(
    "small",
    { id: `${p}-selfrag-why`, class: "pipeline-conflict" },
    ` Off while best-of-n is on: ${ANSWER_STAGE_CONFLICT}.`,
  );
  const bon = bestOfNControls(h, p);
  let lastN = defaultPipelineSettings.bestOfN.n;
  const cove = h(
    "select",
    { id: `${p}-cove` },
    ...(["off", ...COVE_VARIANTS] as const).map((v) => h("option", { value: v }, COVE_LABELS[v])),
  ) as HTMLSelectElement;
  const spec = h("input", { type: "checkbox", id: `${p}-spec` }) as HTMLInputElement;
  const gamma = h(
    "select",
    { id: `${p}-gamma` },
    h("option", { value: "auto" }, "auto (adaptive)"),
    ...GAMMA_CHOICES.map((g) => h("option", { value: String(g) }, String(g))),
  ) as HTMLSelectElement;
  const unavailable = options.speculativeUnavailable;
  const think = thinkingControls(h, p, options.thinkingSupport);
  const group = h(
    "fieldset",
    { class: "pipeline-toggles" },
    h("legend", {}, "Pipeline"),
    h(
      "fieldset",
      { class: "pipeline-s2a" },
      h("legend", {}, "System 2 Attention"),
      ...radios.flatMap((r) => [r.input, r.label]),
    ),
    h(
      "div",
      {},
      selfrag,
      h("label", { for: selfrag.id }, "Self-RAG (retrieve and critique)"),
      selfragWhy,
    ),
    bon.box,
    h("div", {}, h("label", { for: cove.id }, "Chain-of-Verification"), " ", cove),
    h(
      "div",
      {},
      spec,
      h("label", { for: spec.id }, "Speculative decoding"),
      " ",
      h("label", { for: gamma.id }, "gamma"),
      " ",
      gamma,
      unavailable === undefined ? null : h("small", { id: `${p}-spec-why` }, ` ${unavailable}`),
    ),
    think.box,
  );
  if (unavailable !== undefined) {
    spec.disabled = true;
    spec.setAttribute("aria-describedby", `${p}-spec-why`);
  }

  /** Enable and disable controls after the boxes they depend on. */
  function sync(): void {
    explain(selfrag, selfragWhy, bon.enabled.checked);
    explain(bon.enabled, bon.why, selfrag.checked);
    for (const c of [bon.n, bon.selection, bon.verifier]) c.disabled = !bon.enabled.checked;
    gamma.disabled = !spec.checked;
    const staged = hasStages({
      s2a: radios.find((r) => r.input.checked)?.v ?? "off",
      selfrag: selfrag.checked && !selfrag.disabled,
      cove: cove.value,
      bestOfN: { enabled: bon.enabled.checked && !bon.enabled.disabled },
    });
    think.sync(staged ? THINKING_STAGE_NOTE : options.thinkingUnavailable);
  }
  function get(): PipelineSettings {
    const s2a = radios.find((r) => r.input.checked)?.v ?? "off";
    const g = gamma.value === "auto" ? "auto" : Number(gamma.value);
    const bestOfN: BestOfNSettings = {
      enabled: bon.enabled.checked && !bon.enabled.disabled,
      n: readN(bon.n, lastN),
      selection: bon.selection.value as BestOfNSettings["selection"],
      verifier: bon.verifier.value as BestOfNSettings["verifier"],
    };
    return PipelineSettings.parse({
      s2a,
      selfrag: selfrag.checked && !selfrag.disabled,
      cove: cove.value,
      speculative: { enabled: spec.checked && !spec.disabled, gamma: g },
      bestOfN,
      thinking: think.get(),
    });
  }
  function set(value: PipelineSettingsInput): void {
    const s = PipelineSettings.parse(value);
    for (const r of radios) r.input.checked = r.v === s.s2a;
    selfrag.checked = s.selfrag;
    bon.enabled.checked = s.bestOfN.enabled;
    bon.n.value = String(lastN = s.bestOfN.n);
    bon.selection.value = s.bestOfN.selection;
    bon.verifier.value = s.bestOfN.verifier;
    cove.value = s.cove;
    spec.checked = s.speculative.enabled && !spec.disabled;
    const g = String(s.speculative.gamma);
    // A fixed gamma outside the offered choices gets its own option.
    if (![...gamma.options].some((o) => o.value === g)) gamma.append(h("option", { value: g }, g));
    gamma.value = g;
    think.set(s.thinking);
    sync();
  }
  set(initial);
  group.addEventListener("change", () => {
    sync();
    // A typed n outside 1..32 (or no number) shows the n that is used.
    bon.n.value = String(lastN = readN(bon.n, lastN));
    onChange(get());
  });
  root.append(group);
  return { get, set };
}
