/** Builds a parameterised `WHERE` clause: each `?` becomes the next `$n`. */
export class SqlConditions {
  readonly sql: string[] = [];
  readonly params: unknown[] = [];

  add(condition: string, ...values: unknown[]): void {
    let sql = condition;
    for (const value of values) {
      this.params.push(value);
      sql = sql.replace('?', `$${this.params.length}`);
    }
    this.sql.push(sql);
  }

  /** Adds a parameter that is not part of a condition (LIMIT); answers its placeholder. */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  get where(): string {
    return this.sql.length > 0 ? `WHERE ${this.sql.join(' AND ')}` : '';
  }
}
