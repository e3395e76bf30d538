/* global process */
// Container health check: exits 0 when GET /healthz answers 200, 1 otherwise.
// The slim Node image has no curl or wget, so this is plain Node with no dependencies.
// BRIDGE_HTTP_PORT is the bridge's own setting; the listener must accept connections on
// 127.0.0.1 (BRIDGE_HTTP_HOST 0.0.0.0, the default, or 127.0.0.1).
import { get } from 'node:http';

const port = Number(process.env.BRIDGE_HTTP_PORT || 3000);
const request = get({ host: '127.0.0.1', port, path: '/healthz', timeout: 4000 }, (response) => {
  response.resume();
  process.exit(response.statusCode === 200 ? 0 : 1);
});
request.on('timeout', () => request.destroy(new Error('timed out')));
request.on('error', () => process.exit(1));
