import { Logger, QueryRunner } from 'typeorm';

/**
 * Counts SQL statements (for the N+1 tests and the benchmarks) and reports database errors
 * without parameters, which may hold personal data.
 */
export class CountingLogger implements Logger {
  static statements = 0;
  logQuery(_query: string, _parameters?: unknown[], _runner?: QueryRunner): void {
    CountingLogger.statements++;
  }
  logQueryError(error: string | Error, query: string): void {
    if (process.env.LOG_SQL_ERRORS === 'true') {
      process.stderr.write(`SQL error: ${error instanceof Error ? error.message : error} in ${query}\n`);
    }
  }
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(message: string): void {
    if (process.env.LOG_MIGRATIONS === 'true') process.stderr.write(`${message}\n`);
  }
  log(): void {}
}
