/**
 * The Lab tab's static markup: experiment, preset and device pickers, the generated settings
 * fields, Run and Stop, the progress line, the device line, tables, charts, export links and the list
 * of past runs. Elements carry `data-lab` names (the tests and ./mount.ts find them by those),
 * never ids, so the tab can be mounted more than once on a page.
 *
 * @module
 */
import { LAB_EXPERIMENTS, LabExperimentName } from "../../lab/experiments.ts";
import { labStyleElement } from "./lab_styles.ts";

/** The elements ./mount.ts drives. */
export interface LabView {
  readonly form: HTMLFormElement;
  readonly experiment: HTMLSelectElement;
  readonly preset: HTMLSelectElement;
  readonly device: HTMLSelectElement;
  readonly fields: HTMLElement;
  readonly formError: HTMLElement;
  readonly run: HTMLButtonElement;
  readonly stop: HTMLButtonElement;
  readonly progress: HTMLProgressElement;
  readonly eta: HTMLElement;
  readonly status: HTMLElement;
  readonly deviceLine: HTMLElement;
  readonly summary: HTMLElement;
  readonly tables: HTMLElement;
  readonly plots: HTMLElement;
  readonly exports: HTMLElement;
  readonly runs: HTMLUListElement;
}

const TEMPLATE = `
<form data-lab="form" novalidate>
  <div class="lab-row">
    <label>Experiment <select data-lab="experiment"></select></label>
    <label>Preset <select data-lab="preset"></select></label>
    <label>Device <select data-lab="device">
      <option value="auto">auto (WebGPU, else wasm)</option>
      <option value="webgpu">WebGPU</option>
      <option value="wasm">wasm (CPU)</option>
    </select></label>
  </div>
  <div data-lab="fields"></div>
  <p class="lab-error" data-lab="form-error" role="alert"></p>
  <div class="lab-row">
    <button type="submit" data-lab="run">Run</button>
    <button type="button" data-lab="stop" disabled>Stop</button>
  </div>
</form>
<div>
  <div class="lab-row">
    <progress data-lab="progress" max="1" value="0"></progress>
    <span data-lab="eta"></span>
  </div>
  <p class="lab-status" data-lab="status" role="status" aria-live="polite"></p>
  <p class="lab-device" data-lab="device-line"></p>
  <div class="lab-summary" data-lab="summary"></div>
</div>
<div class="lab-tables" data-lab="tables"></div>
<div class="lab-plots" data-lab="plots"></div>
<div class="lab-exports" data-lab="exports"></div>
<section>
  <h3>Past runs</h3>
  <ul class="lab-runs" data-lab="runs"></ul>
</section>`;

function find<T extends Element>(root: Element, name: string, type: new () => T): T {
  const el = root.querySelector(`[data-lab="${name}"]`);
  if (!(el instanceof type)) {
    throw new TypeError(`Cannot build the Lab tab as its '${name}' element is missing`);
  }
  return el;
}

/** Build the markup inside `root` (replacing its children) and return its elements. */
export function buildLabView(root: HTMLElement): LabView {
  const doc = root.ownerDocument;
  const win = doc.defaultView ?? globalThis;
  const section = doc.createElement("div");
  section.className = "lab";
  section.innerHTML = TEMPLATE;
  root.replaceChildren(labStyleElement(doc), section);
  const experiment = find(section, "experiment", win.HTMLSelectElement);
  for (const name of LabExperimentName.options) {
    const option = doc.createElement("option");
    option.value = name;
    option.textContent = LAB_EXPERIMENTS[name].title;
    experiment.append(option);
  }
  return {
    form: find(section, "form", win.HTMLFormElement),
    experiment,
    preset: find(section, "preset", win.HTMLSelectElement),
    device: find(section, "device", win.HTMLSelectElement),
    fields: find(section, "fields", win.HTMLElement),
    formError: find(section, "form-error", win.HTMLElement),
    run: find(section, "run", win.HTMLButtonElement),
    stop: find(section, "stop", win.HTMLButtonElement),
    progress: find(section, "progress", win.HTMLProgressElement),
    eta: find(section, "eta", win.HTMLElement),
    status: find(section, "status", win.HTMLElement),
    deviceLine: find(section, "device-line", win.HTMLElement),
    summary: find(section, "summary", win.HTMLElement),
    tables: find(section, "tables", win.HTMLElement),
    plots: find(section, "plots", win.HTMLElement),
    exports: find(section, "exports", win.HTMLElement),
    runs: find(section, "runs", win.HTMLUListElement),
  };
}
