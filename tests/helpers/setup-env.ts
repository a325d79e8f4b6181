import 'reflect-metadata';
process.env.NODE_ENV = process.env.NODE_ENV ?? 'test';
// The tests' own keys (the hub has no default key): every test hub, CLI and seed of the run
// shares them through the environment. tests/e2e/main-process.test.ts drops them on purpose.
process.env.SECRETS_KEY = process.env.SECRETS_KEY || 'test-run-only-secrets-key-0123456789abcdef';
process.env.JWT_SECRET = process.env.JWT_SECRET || 'test-run-only-jwt-secret-0123456789abcdef';
