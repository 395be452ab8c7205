// mocha + chai, TypeScript through tsx; one embedded PostgreSQL for the whole run (test/support/global-fixtures.ts),
// a fresh schema per test file.
module.exports = {
  import: 'tsx',
  require: ['test/support/global-fixtures.ts'],
  spec: ['test/**/*.test.ts'],
  // The chaos suite kills and freezes real processes for minutes: its own run (npm run test:chaos, .ci/run).
  ignore: ['test/chaos/**'],
  timeout: 30000,
  slow: 2000,
  reporter: 'spec'
};
