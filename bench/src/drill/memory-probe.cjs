// Preloaded into the server under load (node --expose-gc --require memory-probe.cjs): on the message
// 'memory' from the drill it runs a full garbage collection and answers with the heap still in use
// and the resident set size. Under load V8 lets its heap grow well past what is live and gives it
// back only when idle for a while, so memory is compared between two full collections, where a leak
// is what still grows. V8 unmaps freed pages on a background thread, so the resident size is read
// after a pause and a second collection.
const UNMAP_PAUSE_MS = 1000;

if (process.send && typeof global.gc === 'function') {
  process.on('message', (message) => {
    if (message !== 'memory') return;
    global.gc();
    setTimeout(() => {
      global.gc();
      const { heapUsed, rss } = process.memoryUsage();
      process.send({ heapUsedBytes: heapUsed, rssBytes: rss });
    }, UNMAP_PAUSE_MS);
  });
  // The channel alone must not keep the server alive, nor change how it exits.
  process.channel.unref();
}
