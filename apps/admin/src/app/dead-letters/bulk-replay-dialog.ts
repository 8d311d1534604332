import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import type { BulkReplayResult } from '@triggerline/contracts';
import { concatMap, from, type Observable, reduce, tap } from 'rxjs';
import { errorMessage } from '../core/api-error';
import { mutation } from '../core/mutation';
import { StatsMonitor } from '../stats/stats-monitor';
import { DeadLetterApi } from './dead-letter-api';

/** Dead letters replayed per request, so the dialog can show progress. */
export const BULK_REPLAY_CHUNK = 20;

export interface BulkReplayDialogData {
  ids: string[];
}

type BulkReplayState =
  | { step: 'counting' }
  | { step: 'confirm'; matched: number }
  | { step: 'running'; done: number }
  | { step: 'done'; result: BulkReplayResult }
  | { step: 'failed'; message: string };

function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let index = 0; index < items.length; index += size) {
    chunks.push(items.slice(index, index + size));
  }
  return chunks;
}

@Component({
  selector: 'tl-bulk-replay-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatDialogModule, MatButtonModule, MatProgressBarModule],
  template: `
    <h2 mat-dialog-title>Replay {{ data.ids.length }} dead letters</h2>
    <mat-dialog-content>
      @switch (state().step) {
        @case ('counting') {
          <p role="status">Counting what can be replayed (dry run)…</p>
          <mat-progress-bar mode="indeterminate" aria-label="Dry run" />
        }
        @case ('confirm') {
          <p role="status" data-testid="bulk-matched">
            Dry run: <strong>{{ matched() }}</strong> of {{ data.ids.length }} selected dead letters
            can be replayed. Each gets a new execution; those replayed too recently are skipped.
          </p>
        }
        @case ('running') {
          <p role="status" data-testid="bulk-progress">Replaying… {{ progressText() }}</p>
          <mat-progress-bar
            mode="determinate"
            [value]="progress()"
            aria-label="Bulk replay progress"
          />
        }
        @case ('done') {
          @if (result(); as result) {
            <p role="status" data-testid="bulk-result">
              Matched {{ result.matched }}, replayed {{ result.replayed }}, skipped
              {{ result.skipped }}.
            </p>
          }
        }
        @case ('failed') {
          <p class="error-text" role="alert">{{ failure() }}</p>
        }
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      @if (state().step === 'confirm') {
        <button mat-button type="button" mat-dialog-close>Cancel</button>
        <button
          mat-flat-button
          type="button"
          (click)="run()"
          [disabled]="matched() === 0"
          data-testid="confirm-bulk-replay"
        >
          Replay {{ matched() }}
        </button>
      } @else {
        <button
          mat-button
          type="button"
          (click)="close()"
          [disabled]="state().step === 'running'"
          data-testid="close-bulk-replay"
        >
          Close
        </button>
      }
    </mat-dialog-actions>
  `,
})
export class BulkReplayDialog {
  protected readonly data = inject<BulkReplayDialogData>(MAT_DIALOG_DATA);
  private readonly dialogRef =
    inject<MatDialogRef<BulkReplayDialog, BulkReplayResult>>(MatDialogRef);
  private readonly api = inject(DeadLetterApi);
  private readonly monitor = inject(StatsMonitor);

  protected readonly state = signal<BulkReplayState>({ step: 'counting' });
  protected readonly matched = computed(() => {
    const state = this.state();
    return state.step === 'confirm' ? state.matched : 0;
  });
  protected readonly progress = computed(() => {
    const state = this.state();
    return state.step === 'running' ? (state.done / this.data.ids.length) * 100 : 0;
  });
  protected readonly progressText = computed(() => {
    const state = this.state();
    return state.step === 'running' ? `${state.done} of ${this.data.ids.length}` : '';
  });
  protected readonly result = computed(() => {
    const state = this.state();
    return state.step === 'done' ? state.result : null;
  });
  protected readonly failure = computed(() => {
    const state = this.state();
    return state.step === 'failed' ? state.message : '';
  });

  private readonly counting = mutation({
    request: () => this.api.bulkReplay({ ids: this.data.ids, dryRun: true }),
    onSuccess: (result) => this.state.set({ step: 'confirm', matched: result.matched }),
    onError: (error) => this.fail(error),
  });
  private readonly replaying = mutation({
    request: () => this.replayInChunks(),
    onSuccess: (result) => {
      this.state.set({ step: 'done', result });
      this.monitor.refresh();
    },
    onError: (error) => this.fail(error),
  });

  constructor() {
    this.counting.run();
  }

  protected run(): void {
    this.state.set({ step: 'running', done: 0 });
    this.replaying.run();
  }

  protected close(): void {
    this.dialogRef.close(this.result() ?? undefined);
  }

  private replayInChunks(): Observable<BulkReplayResult> {
    return from(chunk(this.data.ids, BULK_REPLAY_CHUNK)).pipe(
      concatMap((ids) =>
        this.api
          .bulkReplay({ ids, dryRun: false })
          .pipe(
            tap(() =>
              this.state.update((state) =>
                state.step === 'running'
                  ? { step: 'running', done: state.done + ids.length }
                  : state,
              ),
            ),
          ),
      ),
      reduce<BulkReplayResult, BulkReplayResult>(
        (total, part) => ({
          matched: total.matched + part.matched,
          replayed: total.replayed + part.replayed,
          skipped: total.skipped + part.skipped,
        }),
        { matched: 0, replayed: 0, skipped: 0 },
      ),
    );
  }

  private fail(error: unknown): void {
    this.state.set({
      step: 'failed',
      message: `The bulk replay failed: ${errorMessage(error)}`,
    });
  }
}
