import { Logger, QueryRunner } from 'typeorm';

const TRANSACTION_CONTROL = /^\s*(BEGIN|START TRANSACTION|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT|SET TRANSACTION)\b/i;

/**
 * Counts SQL statements (for the N+1 tests and the benchmarks) and reports database errors
 * without parameters, which may hold personal data.
 */
export class CountingLogger implements Logger {
  /** Statements that read or write data; transaction control (BEGIN, COMMIT, …) is not one. */
  static statements = 0;
  /** When set (a test's diagnosis), the text of each statement is kept here too. */
  static trace: string[] | null = null;
  logQuery(query: string, _parameters?: unknown[], _runner?: QueryRunner): void {
    if (TRANSACTION_CONTROL.test(query)) return;
    CountingLogger.statements++;
    CountingLogger.trace?.push(query.slice(0, 120));
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
