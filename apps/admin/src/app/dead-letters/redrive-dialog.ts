import { DecimalPipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  inject,
  signal,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import {
  DEFAULT_REDRIVE_RATE_PER_SECOND,
  MAX_REDRIVE_RATE_PER_SECOND,
  type Redrive,
  type RedriveFilter,
  type Trigger,
} from '@triggerline/contracts';
import { errorMessage } from '../core/api-error';
import { mutation } from '../core/mutation';
import { StatsMonitor } from '../stats/stats-monitor';
import { DeadLetterApi } from './dead-letter-api';
import { RedriveApi } from './redrive-api';
import { followRedrive, redrivePercent, redriveSummary } from './redrive-progress';

export interface RedriveDialogData {
  /** The list page's current filters; `source: "executions"` replays from history. */
  filter: RedriveFilter;
  /** How the filters read, for the title ("of orders", "of every trigger"). */
  scope: string;
  /** From history: the triggers a replay may go into (none: each execution's own). */
  targets?: readonly Trigger[];
}

type RedriveState =
  | { step: 'counting' }
  // matched: null when nothing counted first (history has no dry run; the redrive counts).
  | { step: 'confirm'; matched: number | null }
  | { step: 'starting' }
  | { step: 'running'; redrive: Redrive }
  | { step: 'finished'; redrive: Redrive }
  | { step: 'failed'; message: string };

/**
 * "Replay all matching": counts dead letters (dry run), or for history lets the operator pick
 * the target trigger, then follows the background redrive it starts.
 */
@Component({
  selector: 'tl-redrive-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    DecimalPipe,
    FormsModule,
    MatDialogModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
  ],
  template: `
    <h2 mat-dialog-title>Replay all matching {{ what }} {{ data.scope }}</h2>
    <mat-dialog-content>
      @switch (state().step) {
        @case ('counting') {
          <p role="status">Counting the unresolved dead letters that match (dry run)…</p>
          <mat-progress-bar mode="indeterminate" aria-label="Dry run" />
        }
        @case ('confirm') {
          @if (isHistory) {
            <p role="status" data-testid="redrive-matched">
              Every execution that matches these filters now, whatever its status, is sent again as
              a new execution with its original payload; the originals stay as they are. They are
              replayed in the background at the rate below; you can close this dialog and cancel at
              any time.
            </p>
            <mat-form-field>
              <mat-label>Into trigger</mat-label>
              <mat-select [(ngModel)]="targetTriggerId" data-testid="redrive-target">
                <mat-option [value]="null">Each execution's own trigger</mat-option>
                @for (trigger of data.targets ?? []; track trigger.id) {
                  <mat-option [value]="trigger.id">{{ trigger.slug }}</mat-option>
                }
              </mat-select>
            </mat-form-field>
          } @else {
            <p role="status" data-testid="redrive-matched">
              <strong>{{ matched() }}</strong> unresolved dead letters match. They are replayed in
              the background at the rate below, so a downstream that just recovered is not flooded;
              you can close this dialog and cancel at any time.
            </p>
          }
          <mat-form-field>
            <mat-label>Replays per second</mat-label>
            <input
              matInput
              type="number"
              min="1"
              [max]="maxRate"
              [(ngModel)]="rate"
              data-testid="redrive-rate"
            />
          </mat-form-field>
        }
        @case ('starting') {
          <mat-progress-bar mode="indeterminate" aria-label="Starting" />
        }
        @case ('failed') {
          <p class="error-text" role="alert">{{ failure() }}</p>
        }
      }
      @if (redrive(); as redrive) {
        <p role="status" data-testid="redrive-progress">
          {{ redrive.status === 'running' ? 'Replaying…' : 'Redrive ' + redrive.status + ':' }}
          {{ summary() }} ({{ percent() | number: '1.0-0' }} %)
        </p>
        <mat-progress-bar
          mode="determinate"
          [value]="percent()"
          aria-label="Redrive progress"
          data-testid="redrive-progress-bar"
        />
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      @switch (state().step) {
        @case ('confirm') {
          <button mat-button type="button" mat-dialog-close>Cancel</button>
          <button
            mat-flat-button
            type="button"
            (click)="start()"
            [disabled]="matched() === 0 || !isRateValid()"
            data-testid="confirm-redrive"
          >
            Replay {{ matched() ?? '' }}
          </button>
        }
        @case ('running') {
          <button mat-button type="button" (click)="close()">Close (keeps running)</button>
          <button mat-flat-button type="button" (click)="cancel()" data-testid="cancel-redrive">
            Cancel redrive
          </button>
        }
        @default {
          <button mat-button type="button" (click)="close()" data-testid="close-redrive">
            Close
          </button>
        }
      }
    </mat-dialog-actions>
  `,
})
export class RedriveDialog {
  protected readonly data = inject<RedriveDialogData>(MAT_DIALOG_DATA);
  private readonly dialogRef = inject<MatDialogRef<RedriveDialog, Redrive>>(MatDialogRef);
  private readonly deadLetters = inject(DeadLetterApi);
  private readonly redrives = inject(RedriveApi);
  private readonly monitor = inject(StatsMonitor);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly isHistory = this.data.filter.source === 'executions';
  protected readonly what = this.isHistory ? 'executions' : 'dead letters';
  protected readonly maxRate = MAX_REDRIVE_RATE_PER_SECOND;
  protected rate: number | null = DEFAULT_REDRIVE_RATE_PER_SECOND;
  protected targetTriggerId: string | null = null;
  protected readonly state = signal<RedriveState>(
    this.isHistory ? { step: 'confirm', matched: null } : { step: 'counting' },
  );
  protected readonly matched = computed(() => {
    const state = this.state();
    return state.step === 'confirm' ? state.matched : 0;
  });
  protected readonly redrive = computed(() => {
    const state = this.state();
    return state.step === 'running' || state.step === 'finished' ? state.redrive : null;
  });
  protected readonly percent = computed(() => {
    const redrive = this.redrive();
    return redrive === null ? 0 : redrivePercent(redrive);
  });
  protected readonly summary = computed(() => {
    const redrive = this.redrive();
    return redrive === null ? '' : redriveSummary(redrive);
  });
  protected readonly failure = computed(() => {
    const state = this.state();
    return state.step === 'failed' ? state.message : '';
  });

  private readonly counting = mutation({
    request: () => this.deadLetters.bulkReplay({ ...this.data.filter, dryRun: true }),
    onSuccess: (result) => this.state.set({ step: 'confirm', matched: result.matched }),
    onError: (error) => this.fail('The count failed', error),
  });
  private readonly starting = mutation({
    request: (ratePerSecond: number | undefined) =>
      this.redrives.create({
        ...this.data.filter,
        ...(this.targetTriggerId === null ? {} : { targetTriggerId: this.targetTriggerId }),
        ratePerSecond,
      }),
    onSuccess: (redrive) => this.follow(redrive),
    onError: (error) => this.fail('The redrive could not start', error),
  });
  private readonly cancelling = mutation({
    request: (redrive: Redrive) => this.redrives.cancel(redrive.id),
    onSuccess: (cancelled) => this.state.set({ step: 'finished', redrive: cancelled }),
    onError: (error) => this.fail('The cancel failed', error),
  });

  constructor() {
    if (!this.isHistory) {
      this.counting.run();
    }
  }

  protected isRateValid(): boolean {
    const rate = this.rate;
    return rate !== null && Number.isInteger(rate) && rate >= 1 && rate <= this.maxRate;
  }

  protected start(): void {
    this.state.set({ step: 'starting' });
    this.starting.run(this.rate ?? undefined);
  }

  protected cancel(): void {
    const redrive = this.redrive();
    if (redrive !== null) {
      this.cancelling.run(redrive);
    }
  }

  protected close(): void {
    this.dialogRef.close(this.redrive() ?? undefined);
  }

  private follow(started: Redrive): void {
    this.state.set({ step: 'running', redrive: started });
    followRedrive(() => this.redrives.get(started.id))
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (redrive) => {
          // A cancel answered meanwhile has the last word.
          if (this.state().step !== 'running') {
            return;
          }
          this.state.set({
            step: redrive.status === 'running' ? 'running' : 'finished',
            redrive,
          });
          if (redrive.status !== 'running') {
            this.monitor.refresh();
          }
        },
        error: (error: unknown) => this.fail('Reading the progress failed', error),
      });
  }

  private fail(what: string, error: unknown): void {
    this.state.set({ step: 'failed', message: `${what}: ${errorMessage(error)}` });
  }
}
