/**
 * The pipeline toggles of the composer: S2A (off, LLM rewrite, model-free filter), Self-RAG,
 * CoVe with its variant, and speculative decoding with gamma auto or fixed. Native, labelled
 * form controls (fieldsets with legends, <label for>), so keyboard and screen readers work
 * without extra ARIA.
 *
 * @module
 */
import { builder } from "./dom.ts";
import {
  COVE_VARIANTS,
  type CoveVariant,
  defaultPipelineSettings,
  PipelineSettings,
  toPipelineRequest,
} from "./pipeline_settings.ts";

export { defaultPipelineSettings, PipelineSettings, toPipelineRequest };
export type { CoveVariant, PipelineRequest } from "./pipeline_settings.ts";

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

/** Options of {@link renderPipelineToggles}. */
export interface ToggleOptions {
  /** Prefix of the control ids (default "pipeline"); distinct per toggle group on a page. */
  readonly idPrefix?: string;
  /** Why speculative decoding is unavailable (e.g. no draft model): disables its controls. */
  readonly speculativeUnavailable?: string;
}

/** The handle of a rendered toggle group. */
export interface PipelineToggles {
  /** The settings the controls show. */
  get(): PipelineSettings;
  /** Show `s` (does not call onChange). */
  set(s: PipelineSettings): void;
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
  initial: PipelineSettings,
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
    h("div", {}, selfrag, h("label", { for: selfrag.id }, "Self-RAG (retrieve and critique)")),
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
  );
  if (unavailable !== undefined) {
    spec.disabled = true;
    spec.setAttribute("aria-describedby", `${p}-spec-why`);
  }

  function get(): PipelineSettings {
    const s2a = radios.find((r) => r.input.checked)?.v ?? "off";
    const g = gamma.value === "auto" ? "auto" : Number(gamma.value);
    return PipelineSettings.parse({
      s2a,
      selfrag: selfrag.checked,
      cove: cove.value,
      speculative: { enabled: spec.checked && !spec.disabled, gamma: g },
    });
  }
  function set(value: PipelineSettings): void {
    const s = PipelineSettings.parse(value);
    for (const r of radios) r.input.checked = r.v === s.s2a;
    selfrag.checked = s.selfrag;
    cove.value = s.cove;
    spec.checked = s.speculative.enabled && !spec.disabled;
    const g = String(s.speculative.gamma);
    // A fixed gamma outside the offered choices gets its own option.
    if (![...gamma.options].some((o) => o.value === g)) gamma.append(h("option", { value: g }, g));
    gamma.value = g;
    gamma.disabled = !spec.checked;
  }
  set(initial);
  group.addEventListener("change", () => {
    gamma.disabled = !spec.checked;
    onChange(get());
  });
  root.append(group);
  return { get, set };
}
