/** Tests run on the tsc build (dist/), so decorators carry real metadata, as in production. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/dist/tests'],
  testMatch: ['**/*.test.js'],
  setupFiles: ['<rootDir>/dist/tests/helpers/setup-env.js'],
  testTimeout: 60000,
  maxWorkers: 1,
};
