/**
 * Test page of the Lab tab (bundled by tests/e2e/lab_tab_test.ts): mounts the lab on
 * `#lab` with the worker bundle served next to it (or the one `?worker=` names), and exposes the handle as
 * `globalThis.labPage` so the test can wait until past runs are listed.
 *
 * @module
 */
import { type LabHandle, mountLab } from "../../client/ui/lab/mount.ts";

const root = document.getElementById("lab");
if (root === null) throw new Error("Cannot mount the lab as the page lacks #lab");
// `?worker=URL` points the lab at another worker script (the test of a worker that cannot load).
const workerUrl = new URLSearchParams(location.search).get("worker") ?? "/lib/lab_worker.js";
const handle: LabHandle = mountLab(root, { workerUrl });
(globalThis as { labPage?: LabHandle }).labPage = handle;
