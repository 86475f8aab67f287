/**
 * Lets the page paint and take input between chunks of work on the main thread: a message round
 * trip, not setTimeout(0), which browsers stretch to 4 ms once timers nest. Where there is no
 * MessageChannel (old test environments), a timer. Shared by the ledger's import and audit, the
 * verification pool and the Graph tab's model building.
 */
export function yieldToPage(): Promise<void> {
  if (typeof MessageChannel !== 'function') return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
