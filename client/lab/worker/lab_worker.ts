/**
 * Browser entry of the lab worker (bundled by tools/build.ts to client/ui/dist/lab_worker.js):
 * runs lab experiments off the page's main thread. Filled in by the Lab tab work (issue 9).
 *
 * @module
 */
export {};
