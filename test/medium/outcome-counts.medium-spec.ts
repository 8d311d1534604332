import { Pool } from 'pg';
import { Database } from '../../apps/api/src/database/database';
import { DeliveryOutcomeCounts } from '../../apps/api/src/rejections/delivery-outcome-counts.store';
import {
  describeMedium,
  insertIdleTrigger,
  type MediumDatabase,
  openMediumDatabase,
} from './medium-database';

// Filtered and refused deliveries are counted per trigger and UTC hour (SPEC §13, §17), the
// hours the execution counters use, whatever time zone the database session is in.
describeMedium('Delivery outcome counts (against PostgreSQL)', () => {
  let db: MediumDatabase;
  let kolkata: Pool;
  let triggerId: string;

  beforeAll(async () => {
    db = await openMediumDatabase();
    // India is UTC+05:30: its local hours start at half past a UTC hour.
    kolkata = new Pool({ connectionString: db.url, options: '-c TimeZone=Asia/Kolkata' });
    triggerId = await insertIdleTrigger(db, 'counted');
  });
  afterAll(async () => {
    await kolkata.end();
    await db.close();
  });

  it('buckets by UTC hour in a half-hour time zone, and reads back from the hour asked', async () => {
    const sut = new DeliveryOutcomeCounts(new Database(kolkata, true));

    await sut.count(triggerId, 'filtered');
    await sut.count(triggerId, 'filtered');
    await sut.count(triggerId, 'rejected:invalid_signature');

    const hours = await db.query<{ hour: string; outcome: string; count: number }>(
      `SELECT to_char(hour AT TIME ZONE 'UTC', 'MI:SS') AS hour, outcome, count
       FROM delivery_outcome_counts ORDER BY outcome`,
    );
    expect(hours).toEqual([
      { hour: '00:00', outcome: 'filtered', count: 2 },
      { hour: '00:00', outcome: 'rejected:invalid_signature', count: 1 },
    ]);
    const [{ utcHour }] = await db.query<{ utcHour: Date }>(
      `SELECT date_bin('1 hour', now(), timestamptz 'epoch') AS "utcHour"`,
    );
    expect(await sut.since(utcHour)).toEqual(
      new Map([
        ['filtered', 2],
        ['rejected:invalid_signature', 1],
      ]),
    );
    expect(await sut.since(new Date(utcHour.getTime() + 3_600_000))).toEqual(new Map());
  });
});
