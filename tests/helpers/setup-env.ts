import 'reflect-metadata';
process.env.NODE_ENV = process.env.NODE_ENV ?? 'test';
