import { Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { schedulePeriodicJob } from './periodic-job';

describe('schedulePeriodicJob', () => {
  let scheduler: SchedulerRegistry;
  const logger = new Logger('test');

  beforeEach(() => {
    jest.useFakeTimers();
    scheduler = new SchedulerRegistry();
  });
  afterEach(() => {
    scheduler.getIntervals().forEach((name) => scheduler.deleteInterval(name));
    scheduler.getTimeouts().forEach((name) => scheduler.deleteTimeout(name));
    jest.useRealTimers();
  });

  it('runs every period, never two runs at once', async () => {
    let finish = () => {};
    const run = jest.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    schedulePeriodicJob(scheduler, logger, {
      name: 'job',
      failureEvt: 'job_failed',
      everyMs: 100,
      run,
    });
    await jest.advanceTimersByTimeAsync(350);
    expect(run).toHaveBeenCalledTimes(1); // the first run is still going
    finish();
    await jest.advanceTimersByTimeAsync(100);
    expect(run).toHaveBeenCalledTimes(2);
    expect(scheduler.getIntervals()).toEqual(['job']);
  });

  it('runs once early when asked, and logs a failure and goes on', async () => {
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => {});
    const run = jest.fn().mockRejectedValueOnce(new Error('boom')).mockResolvedValue(undefined);
    schedulePeriodicJob(scheduler, logger, {
      name: 'job',
      failureEvt: 'job_failed',
      everyMs: 1000,
      firstRunAfterMs: 10,
      run,
    });
    await jest.advanceTimersByTimeAsync(10);
    expect(run).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith({ evt: 'job_failed', error: 'boom' });
    await jest.advanceTimersByTimeAsync(990);
    expect(run).toHaveBeenCalledTimes(2);
  });
});
