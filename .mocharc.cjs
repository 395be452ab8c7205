// mocha + chai, TypeScript through tsx; one embedded PostgreSQL for the whole run (test/support/global-fixtures.ts),
// a fresh schema per test file.
module.exports = {
  import: 'tsx',
  require: ['test/support/global-fixtures.ts'],
  spec: ['test/**/*.test.ts'],
  timeout: 30000,
  slow: 2000,
  reporter: 'spec'
};
