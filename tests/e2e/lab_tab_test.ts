/**
 * The Lab tab in real headless Chromium: a test page (tests/e2e/lab_page_entry.ts) mounts the
 * lab on a div, the lab worker bundle runs jax-js on WebGPU (SwiftShader), runs persist in real
 * IndexedDB. A tiny grokking run streams progress and plot points and finishes, agreeing with
 * the same run on wasm under Deno; its JSON, CSV and PNG exports are read back and checked
 * against the run; a long run is stopped; a reload lists both runs and reopens one; a worker
 * without WebGPU falls back to wasm and says why; an LLC run draws one live SGLD trace per
 * chain; a worker script that cannot load fails the run with its URL.
 *
 * Timings measured on 2 shared cores (the test prints its own): bundling 1.6-3 s, the tiny
 * WebGPU run 5-8 s in all (SwiftShader compiles every shader on first use; 3-4 s of it after the
 * first points arrive), Stop lands in 0.1-1 s (one evaluation interval, no worker restart), the
 * wasm fallback run about 1 s, the LLC run on wasm 4.5-7.5 s; the whole test 15-22 s.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { initLabDevice } from "../../client/lab/device.ts";
import { LabExperimentName } from "../../client/lab/experiments.ts";
import { runGrokking } from "../../client/lab/grokking.ts";
import { TINY_GROKKING } from "../../client/ui/lab/presets.ts";
import { launchChromium } from "../helpers/chromium.ts";

import {
  assertPng,
  lab,
  openLab,
  type Problems,
  readExports,
  RUN_TIMEOUT,
  snapshot,
  startLabSite,
  tinyGrokking,
  waitReady,
  waitState,
} from "./lab_tab_page.ts";

Deno.test({
  name: "the Lab tab runs, plots, stops, exports and keeps experiments in headless Chromium",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    const timings: Record<string, number> = {};
    const timed = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
      const t0 = performance.now();
      try {
        return await fn();
      } finally {
        timings[label] = Math.round(performance.now() - t0);
      }
    };
    // The same tiny run in this process on wasm: the browser's WebGPU run must agree with it.
    const [site, reference] = await Promise.all([
      timed("bundle", () => startLabSite()),
      timed("deno wasm reference", async () => {
        await initLabDevice("wasm");
        return await runGrokking(TINY_GROKKING);
      }),
    ]);
    const server = site.server;
    let browser: Browser | undefined;
    const problems: Problems = { list: [] };
    try {
      browser = await launchChromium();
      // No locale is set: under the container's POSIX locale navigator.language is the invalid
      // tag "en-US@posix", which client/ui/lab/uplot_loader.ts must cope with.
      const context = await browser.newContext({ viewport: { width: 900, height: 1200 } });
      let page = await openLab(context, server.url, problems);

      await t.step(
        "the form is generated from the schema with the first preset's values",
        async () => {
          const options = await page.$$eval(
            `${lab("experiment")} option`,
            (os) => os.map((o) => (o as HTMLOptionElement).value),
          );
          assert.deepEqual(options, LabExperimentName.options);
          assert.equal(await page.inputValue('[data-setting="p"]'), "59");
          assert.equal(await page.inputValue('[data-setting="optimizer.lr"]'), "0.003");
          assert.equal(await page.inputValue('[data-setting="model.kind"]'), "mlp");
          assert.equal(await page.textContent(lab("runs")), "No runs yet.");
        },
      );

      await t.step(
        "invalid settings are refused next to their field and start no run",
        async () => {
          await page.fill('[data-setting="p"]', "2");
          await page.click(lab("run"));
          assert.match(
            (await page.textContent('[data-error-for="p"]')) ?? "",
            /^Cannot use 'p': .*3/,
          );
          assert.equal(await page.textContent(lab("runs")), "No runs yet.");
        },
      );

      await t.step(
        "a tiny grokking run on WebGPU streams progress and plot points, then finishes",
        async () => {
          await tinyGrokking(page);
          assert.equal(await page.textContent('[data-error-for="p"]'), "");
          await page.click(lab("run"));
          // Caught mid-run: part done, points on the charts, an ETA, Stop enabled.
          await page.waitForFunction(
            () => {
              const p =
                (document.querySelector('[data-lab="progress"]') as HTMLProgressElement).value;
              const pts = Number(
                (document.querySelector('[data-plot="loss"]') as HTMLElement).dataset.points,
              );
              return p > 0 && p < 1 && pts >= 2;
            },
            undefined,
            { timeout: RUN_TIMEOUT },
          );
          const mid = await snapshot(page);
          assert.match(mid.eta, /^\d+% · .* left$/);
          assert.equal(await page.isEnabled(lab("stop")), true);
          await timed("tiny webgpu run", () => waitState(page, "done"));
          const end = await snapshot(page);
          assert.equal(end.device, "Device: webgpu (auto was requested)");
          assert.equal(end.fallback, false);
          assert.equal(end.progress, 1);
          // Steps 0, 20, ..., 200: eleven evaluations on each chart.
          assert.deepEqual(end.points, { loss: 11, accuracy: 11, weight_norm: 11 });
          assert.equal(
            await page.locator("[data-plot] canvas").count(),
            3,
            "uPlot drew each chart",
          );
          assert.equal(await page.textContent('[data-result="steps_run"]'), "200");
          assert.equal(await page.textContent('[data-result="device"]'), "webgpu");
        },
      );

      await t.step(
        "the JSON and CSV exports hold the run's settings, result and every point",
        async () => {
          await page.waitForSelector(`${lab("exports")}[data-ready="true"]`);
          const files = await readExports(page);
          const kinds = Object.keys(files).sort().join(" ");
          assert.equal(kinds, "csv json png-accuracy png-loss png-weight_norm");
          const json = JSON.parse(files.json?.text ?? "");
          assert.equal(files.json?.name, `verity-lab-grokking-${json.id}.json`);
          assert.deepEqual([json.format, json.experiment, json.status, json.device], [
            "verity-lab-run/1",
            "grokking",
            "done",
            "webgpu",
          ]);
          assert.equal(json.settings.p, 23);
          const train = json.series.train as Record<string, number>[];
          const steps = Array.from({ length: 11 }, (_, i) => 20 * i); // 0, 20, ..., 200
          assert.deepEqual(train.map((p) => p.step), steps);
          assert.deepEqual(train.map((p) => p.test_acc), json.result.series.test_acc);
          const gap = (k: "train_loss" | "train_acc" | "test_acc") =>
            Math.max(...reference.series[k].map((v, i) => Math.abs(v - json.result.series[k][i])));
          // Same seed and data on both devices; float32 kernels differ only in summation order
          // (measured: loss within 4e-6, accuracies identical).
          assert.ok(gap("train_loss") < 1e-4, `train loss differs by ${gap("train_loss")}`);
          assert.ok(gap("train_acc") <= 0.01 && gap("test_acc") <= 0.01);
          assert.equal(json.result.memorization_step, reference.memorization_step);
          const lines = (files.csv?.text ?? "").split("\r\n").filter((l) => l !== "");
          const header = lines[0]?.split(",");
          const keys = "step train_loss test_loss train_acc test_acc weight_norm";
          assert.equal(header?.join(" "), `series ${keys}`);
          assert.equal(lines.length, 12);
          lines.slice(1).forEach((line, i) => {
            const cells = line.split(",");
            assert.equal(cells[0], "train");
            assert.deepEqual(cells.slice(1).map(Number), header!.slice(1).map((k) => train[i]![k]));
          });
          // A real download through the link gives the same bytes under the link's file name.
          const [download] = await Promise.all([
            page.waitForEvent("download"),
            page.click('[data-export="csv"]'),
          ]);
          assert.equal(download.suggestedFilename(), `verity-lab-grokking-${json.id}.csv`);
          assert.equal(await Deno.readTextFile((await download.path())!), files.csv?.text);
        },
      );

      await t.step("each plot exports as a PNG the browser decodes", async () => {
        const files = await readExports(page);
        for (const id of ["loss", "accuracy", "weight_norm"]) {
          const png = files[`png-${id}`];
          assertPng(png, id);
          assert.match(png!.name, new RegExp(`^verity-lab-grokking-\\d+-${id}\\.png$`));
        }
      });

      await t.step(
        "Stop aborts a running experiment in the worker and keeps its points",
        async () => {
          await tinyGrokking(page, 20000);
          await page.click(lab("run"));
          await page.waitForFunction(
            () =>
              Number(
                (document.querySelector('[data-plot="loss"]') as HTMLElement).dataset.points,
              ) >= 3,
            undefined,
            {
              timeout: RUN_TIMEOUT,
            },
          );
          await timed("stop", async () => {
            await page.click(lab("stop"));
            await waitState(page, "stopped", 30_000);
          });
          const s = await snapshot(page);
          assert.match(s.status, /^Stopped after .* at: step \d+ \/ 20000\.$/);
          assert.ok(s.progress < 0.5 && s.points.loss! >= 3, JSON.stringify(s));
          assert.equal(await page.isEnabled(lab("run")), true);
          const statuses = await page.$$eval(
            `${lab("runs")} li`,
            (ls) => ls.map((l) => (l as HTMLElement).dataset.status),
          );
          assert.deepEqual(statuses, ["stopped", "done"]);
        },
      );

      await t.step(
        "after a reload both runs are listed, one reopens with its plots, one is deleted",
        async () => {
          await page.reload();
          await waitReady(page);
          const ids = await page.$$eval(
            `${lab("runs")} li`,
            (ls) => ls.map((l) => (l as HTMLElement).dataset.runId),
          );
          assert.equal(ids.length, 2);
          await page.click(`${lab("runs")} li[data-status="done"] button[data-action="open"]`);
          await page.waitForSelector(`${lab("exports")}[data-ready="true"]`);
          const s = await snapshot(page);
          assert.deepEqual(s.points, { loss: 11, accuracy: 11, weight_norm: 11 });
          assert.equal(s.state, "done");
          assert.equal(await page.inputValue('[data-setting="p"]'), "23");
          await page.click(`${lab("runs")} li[data-status="stopped"] button[data-action="delete"]`);
          await page.waitForFunction(() =>
            document.querySelectorAll('[data-lab="runs"] li').length === 1
          );
          assert.equal(await page.getAttribute(`${lab("runs")} li`, "data-status"), "done");
        },
      );
      await page.close();

      await t.step("a worker without WebGPU runs on wasm and shows why", async () => {
        const noGpu = await browser!.newContext();
        // Init scripts do not reach workers: hide navigator.gpu in the worker bundle as served.
        await noGpu.route("**/lib/lab_worker.js", async (route) => {
          const res = await route.fetch();
          const hide =
            `Object.defineProperty(WorkerNavigator.prototype, "gpu", { get: () => undefined });\n`;
          await route.fulfill({ response: res, body: hide + await res.text() });
        });
        page = await openLab(noGpu, server.url, problems);
        await tinyGrokking(page, 40);
        await page.click(lab("run"));
        await timed("wasm fallback run", () => waitState(page, "done"));
        const s = await snapshot(page);
        assert.equal(
          s.device,
          "Device: wasm (auto was requested); no WebGPU: navigator.gpu is missing: this browser does not expose WebGPU to workers",
        );
        assert.equal(s.fallback, true);
        assert.deepEqual(s.points, { loss: 3, accuracy: 3, weight_norm: 3 });
      });

      await t.step("an LLC run draws one SGLD trace per chain as the chains arrive", async () => {
        await page.selectOption(lab("experiment"), "llc");
        await page.selectOption(lab("preset"), "2"); // short: DLN 5-3-5
        await page.fill('[data-setting="centerSteps"]', "50");
        await page.fill('[data-setting="sgld.steps"]', "200");
        await page.fill('[data-setting="sgld.burnIn"]', "50");
        await page.click(lab("run"));
        await timed("llc run (wasm)", () => waitState(page, "done"));
        const s = await snapshot(page);
        // Losses are read back every 50 draws: steps 50, 100, 150, 200 on a shared axis.
        assert.deepEqual(s.points, { sgld_trace: 4 });
        const legend = await page.$$eval(
          '[data-plot="sgld_trace"] .u-legend .u-label',
          (ls) => ls.map((l) => l.textContent),
        );
        assert.deepEqual(legend, ["draw", "chain 0", "chain 1"]);
        assert.match((await page.textContent('[data-result="truth"]')) ?? "", /^\d/);
        await page.close();
      });

      await t.step("a worker script that cannot load fails the run with its URL", async () => {
        const bad = await browser!.newContext();
        page = await openLab(bad, server.url, problems, "?worker=/lib/missing_worker.js");
        await tinyGrokking(page, 40);
        await page.click(lab("run"));
        await waitState(page, "failed", 30_000);
        assert.match(
          (await page.textContent(lab("status"))) ?? "",
          /^Failed after .*: Error: Cannot run the lab worker from '\/lib\/missing_worker\.js': /,
        );
        assert.equal(await page.isEnabled(lab("run")), true);
        assert.equal(await page.getAttribute(`${lab("runs")} li`, "data-status"), "failed");
        await bad.close();
      });

      assert.deepEqual(problems.list, []);
    } finally {
      await browser?.close();
      await site.close();
      console.log(`lab tab timings (ms): ${JSON.stringify(timings)}`);
    }
  },
});
