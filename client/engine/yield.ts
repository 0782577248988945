/**
 * Yielding to the event loop between decode steps. A wasm forward pass resolves its promise
 * without a macrotask, so a loop of steps would otherwise starve message events (a worker
 * would never see an abort) and rendering.
 *
 * @module
 */

let channel: MessageChannel | undefined;
const waiting: (() => void)[] = [];

/** Deno's MessagePort can be unref'd so an idle channel does not keep the process alive. */
type RefPort = MessagePort & { ref?: () => void; unref?: () => void };

/**
 * Resolve after pending macrotasks (messages, timers, input) had a chance to run.
 * Uses a MessageChannel (no timer clamping); falls back to setTimeout.
 */
export function yieldToEventLoop(): Promise<void> {
  if (typeof MessageChannel === "undefined") return new Promise((r) => setTimeout(r, 0));
  if (channel === undefined) {
    channel = new MessageChannel();
    const port = channel.port1 as RefPort;
    port.onmessage = () => {
      waiting.shift()?.();
      // Idle: let a Deno process exit while nothing waits on the channel.
      if (waiting.length === 0) port.unref?.();
    };
  }
  const port = channel.port1 as RefPort;
  return new Promise((resolve) => {
    waiting.push(resolve);
    port.ref?.();
    channel!.port2.postMessage(null);
  });
}
