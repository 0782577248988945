/**
 * The Lab tab of the chat UI. The page shell calls {@link mountLab} once with the tab's panel
 * element; the lab owns everything inside it: pick an experiment, a preset and a device, edit
 * the settings (a form generated from the experiment's zod schema), run it in the lab worker
 * (WebGPU, else wasm with the reason shown) with live tables (./series_tables.ts) and uPlot
 * charts, a progress bar and ETA, stop
 * it, export JSON, CSV and PNG, and keep every run in IndexedDB ("verity-lab") to reopen later.
 *
 * @module
 */
import { LabDeviceName } from "../../lab/device.ts";
import { LAB_EXPERIMENTS, LabExperimentName } from "../../lab/experiments.ts";
import { ExportLinks } from "./exports.ts";
import { buildLabView, type LabView } from "./lab_view.ts";
import { LabPlots } from "./plots.ts";
import { presetsFor } from "./presets.ts";
import { formatDuration, progressLine } from "./progress_eta.ts";
import { RunList } from "./run_list.ts";
import { LabTables } from "./series_tables.ts";
import { runSession } from "./run_session.ts";
import { newRunRecord, resultScalars, type RunRecord } from "./run_record.ts";
import { LabRunStore } from "./run_store.ts";
import { SettingsForm } from "./settings_form.ts";
import { WorkerRunner } from "./worker_runner.ts";

/** What {@link mountLab} needs from the page shell. */
export interface LabMountOptions {
  /** URL of the bundled lab worker (default "/ui/dist/lab_worker.js"). */
  readonly workerUrl?: string;
  /** IndexedDB database of the run history (default "verity-lab"). */
  readonly dbName?: string;
}

/** Handle returned by {@link mountLab}. */
export interface LabHandle {
  /** Stops any running experiment and removes the lab's listeners. */
  dispose(): void;
  /** Settles once the list of past runs is on screen. */
  readonly ready: Promise<void>;
}

function describeDevice(r: Pick<RunRecord, "device" | "fallbackReason" | "requestedDevice">) {
  if (r.device === null) return "";
  const base = `Device: ${r.device} (${r.requestedDevice} was requested)`;
  return r.fallbackReason === undefined ? base : `${base}; no WebGPU: ${r.fallbackReason}`;
}

function describeOutcome(r: RunRecord): string {
  const took = r.finishedAt === null ? "" : ` after ${formatDuration(r.finishedAt - r.startedAt)}`;
  switch (r.status) {
    case "done":
      return `Finished${took}.`;
    case "stopped":
      return `Stopped${took} at: ${r.message}.`;
    case "failed":
      return `Failed${took}: ${r.error?.name ?? "Error"}: ${r.error?.message ?? ""}`;
    case "interrupted":
      return "Interrupted: the page was closed while this run was going.";
    case "running":
      return r.message;
  }
}

function showDevice(view: LabView, r: RunRecord): void {
  view.deviceLine.textContent = describeDevice(r);
  view.deviceLine.toggleAttribute("data-fallback", r.fallbackReason !== undefined);
}

function showSummary(view: LabView, r: RunRecord): void {
  const doc = view.summary.ownerDocument;
  view.summary.replaceChildren(
    ...resultScalars(r.result).flatMap(([key, value]) => {
      const k = doc.createElement("span");
      k.textContent = key;
      const v = doc.createElement("span");
      v.dataset.result = key;
      v.textContent = typeof value === "number"
        ? String(Number(value.toPrecision(6)))
        : String(value);
      return [k, v];
    }),
  );
}

/**
 * Render the Lab tab into `root`.
 *
 * @example
 * ```ts
 * const lab = mountLab(document.getElementById("panel-lab")!, {});
 * ```
 */
export function mountLab(root: HTMLElement, options: LabMountOptions = {}): LabHandle {
  const view = buildLabView(root);
  const store = new LabRunStore(options.dbName !== undefined ? { dbName: options.dbName } : {});
  const runner = new WorkerRunner({ workerUrl: options.workerUrl ?? "/ui/dist/lab_worker.js" });
  const plots = new LabPlots(view.plots);
  const tables = new LabTables(view.tables);
  const exports = new ExportLinks(view.exports);
  const form = new SettingsForm(view.fields, view.formError);
  let shown: number | undefined;
  let disposed = false;
  /** A run is going (from Run until its outcome is stored); "stopping" once Stop was pressed. */
  let busy: false | "running" | "stopping" = false;

  const experiment = () => LabExperimentName.parse(view.experiment.value);
  const showPresets = (name: LabExperimentName) => {
    view.preset.replaceChildren(
      ...presetsFor(name).map((p, i) => {
        const option = root.ownerDocument.createElement("option");
        option.value = String(i);
        option.textContent = p.label;
        return option;
      }),
    );
  };
  const showForm = (name: LabExperimentName, settings: unknown) =>
    form.show(LAB_EXPERIMENTS[name].settings, settings);
  const clearOutcome = () => {
    exports.clear();
    view.summary.replaceChildren();
    view.status.textContent = "";
    delete view.status.dataset.state;
    view.deviceLine.textContent = "";
    view.progress.value = 0;
    view.eta.textContent = "";
  };
  const choose = (name: LabExperimentName) => {
    showPresets(name);
    showForm(name, presetsFor(name)[0]?.settings ?? LAB_EXPERIMENTS[name].defaults);
  };

  const runList = new RunList(view.runs, {
    open: (id) => void openRun(id),
    remove: (id) => void removeRun(id),
  });
  const refresh = async () => {
    runList.render(await store.list(), shown);
    runList.setDisabled(busy !== false);
  };
  const fail = (what: string, err: unknown) => {
    view.status.dataset.state = "failed";
    view.status.textContent = `${what}: ${(err as Error).name}: ${(err as Error).message}`;
  };

  const showOutcome = async (r: RunRecord) => {
    view.status.textContent = describeOutcome(r);
    view.status.dataset.state = r.status;
    view.progress.value = r.fraction;
    view.eta.textContent = "";
    showDevice(view, r);
    showSummary(view, r);
    await exports.render(r, plots);
  };

  async function openRun(id: number): Promise<void> {
    if (busy) return;
    try {
      const r = await store.get(id);
      view.experiment.value = r.experiment;
      showPresets(r.experiment);
      showForm(r.experiment, r.settings);
      plots.reset(r.experiment, r.points);
      tables.reset(r.experiment, r.points);
      shown = id;
      clearOutcome();
      await refresh();
      await showOutcome(r);
    } catch (err) {
      fail(`Cannot open run ${id}`, err);
    }
  }

  async function removeRun(id: number): Promise<void> {
    if (busy) return;
    await store.delete(id);
    if (shown === id) {
      shown = undefined;
      clearOutcome();
      plots.reset(experiment());
      tables.reset(experiment());
    }
    await refresh();
  }

  const setRunning = (running: boolean) => {
    busy = running ? "running" : false;
    view.run.disabled = running;
    view.stop.disabled = !running;
    view.experiment.disabled = running;
    view.preset.disabled = running;
    view.device.disabled = running;
    form.setDisabled(running);
    runList.setDisabled(running);
  };

  async function startRun(): Promise<void> {
    if (busy) return;
    const reading = form.read();
    if (!reading.ok) return;
    const name = experiment();
    const device = LabDeviceName.parse(view.device.value);
    setRunning(true);
    clearOutcome();
    plots.reset(name);
    tables.reset(name);
    view.status.textContent = "Starting the lab worker…";
    view.status.dataset.state = "running";
    const t0 = performance.now();
    try {
      const record = await runSession(store, runner, newRunRecord(name, reading.settings, device), {
        onStarted: (r) => {
          shown = r.id;
          void refresh();
        },
        onDevice: (r) => showDevice(view, r),
        onProgress: (r, p) => {
          if (p.series !== undefined && p.point !== undefined) {
            plots.add(p.series, p.point);
            tables.add(p.series, p.point);
          }
          view.progress.value = r.fraction;
          view.eta.textContent = progressLine(r.fraction, performance.now() - t0);
          view.status.textContent = busy === "stopping" ? `Stopping… (${r.message})` : r.message;
        },
      });
      if (disposed) return;
      setRunning(false);
      await refresh();
      await showOutcome(record);
    } catch (err) {
      setRunning(false);
      fail("Cannot keep the run in IndexedDB", err);
    }
  }

  view.experiment.addEventListener("change", () => {
    choose(experiment());
    plots.reset(experiment());
    tables.reset(experiment());
    clearOutcome();
  });
  view.preset.addEventListener("change", () => {
    const preset = presetsFor(experiment())[Number(view.preset.value)];
    if (preset !== undefined) showForm(experiment(), preset.settings);
  });
  view.form.addEventListener("submit", (event) => {
    event.preventDefault();
    void startRun();
  });
  view.stop.addEventListener("click", () => {
    if (busy !== "running") return;
    busy = "stopping";
    view.status.textContent = "Stopping…";
    runner.stop();
  });

  choose(experiment());
  plots.reset(experiment());
  tables.reset(experiment());
  const ready = store.markInterrupted().then(refresh).catch((err) =>
    fail("Cannot list past runs", err)
  );
  return {
    ready,
    dispose() {
      disposed = true;
      runner.dispose();
      plots.destroy();
      exports.clear();
      store.close();
      root.replaceChildren();
    },
  };
}
