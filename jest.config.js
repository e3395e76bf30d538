/**
 * Three projects:
 * - `unit`: modules in one process, with real SQLite and local HTTP stand-ins;
 * - `integration`: the built daemon as a child process against local stand-ins for Netdata and
 *   Slack (needs only Node, and `npm run build` first);
 * - `e2e`: the daemon against a real Netdata agent on 127.0.0.1:19999.
 */
const shared = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
};

module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
    },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
  ],
};
