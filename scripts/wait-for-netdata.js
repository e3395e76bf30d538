#!/usr/bin/env node
// Waits until a Netdata agent answers /api/v1/info (default http://127.0.0.1:19999), or fails.
// Usage: node scripts/wait-for-netdata.js [URL] [SECONDS]
const url = (process.argv[2] || process.env.NETDATA_URL || 'http://127.0.0.1:19999').replace(
  /\/+$/,
  '',
);
const seconds = Number(process.argv[3] || 60);
const deadline = Date.now() + seconds * 1000;

async function ready() {
  try {
    const response = await fetch(`${url}/api/v1/info`, { signal: AbortSignal.timeout(2000) });
    if (!response.ok) return false;
    // The CPU chart appears a moment after the API answers; the end-to-end test needs it.
    const chart = await fetch(`${url}/api/v1/data?chart=system.cpu&after=-1&points=1`, {
      signal: AbortSignal.timeout(2000),
    });
    return chart.ok;
  } catch {
    return false;
  }
}

(async () => {
  while (Date.now() < deadline) {
    if (await ready()) {
      console.log(`Netdata answers at ${url}`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  console.error(`Netdata did not answer at ${url} within ${seconds}s`);
  process.exit(1);
})();
