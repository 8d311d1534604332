import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import type {
  EraseExecutionsRequest,
  EraseExecutionsResult,
  Trigger,
} from '@triggerline/contracts';
import { errorMessage } from '../core/api-error';
import { mutation } from '../core/mutation';
import { type TimeRange, TimeRangeFields } from '../core/time-range';
import { TriggerSelect } from '../triggers/trigger-select';
import { ExecutionApi } from './execution-api';

export interface EraseDialogData {
  triggers: readonly Trigger[];
  /** Prefilled from the list's filters. */
  triggerId: string | null;
  idempotencyKey: string | null;
  range: TimeRange;
}

/**
 * Erasure (a person's data, a trigger's history): counts first with a dry run, then deletes
 * exactly that filter. Closes with the result, or undefined when nothing was erased.
 */
@Component({
  selector: 'tl-erase-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    MatButtonModule,
    MatDialogModule,
    MatFormFieldModule,
    MatInputModule,
    TimeRangeFields,
    TriggerSelect,
  ],
  template: `
    <h2 mat-dialog-title>Erase executions</h2>
    <mat-dialog-content>
      <p>
        Deletes every matching execution that is not running, with its payload, attempts, duplicate
        records and dead letter. This cannot be undone.
      </p>
      <div class="fields">
        <tl-trigger-select
          [triggers]="data.triggers"
          [value]="triggerId()"
          (valueChange)="change(() => triggerId.set($event))"
        />
        <mat-form-field>
          <mat-label>Idempotency key (exact)</mat-label>
          <input
            matInput
            [value]="idempotencyKey()"
            (input)="change(() => idempotencyKey.set($any($event.target).value))"
            data-testid="erase-key"
          />
        </mat-form-field>
        <tl-time-range [range]="range()" (rangeChange)="change(() => range.set($event))" />
      </div>
      @if (!hasFilter()) {
        <p class="muted">Choose a trigger or an idempotency key.</p>
      }
      @if (matched() !== null) {
        <p data-testid="erase-matched">
          <strong>{{ matched() }}</strong> execution(s) match.
        </p>
      }
      @if (failure(); as message) {
        <p class="error-text" role="alert">{{ message }}</p>
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button type="button" mat-dialog-close>Cancel</button>
      <button
        mat-stroked-button
        type="button"
        [disabled]="!hasFilter() || erasing.busy()"
        (click)="count()"
        data-testid="erase-count"
      >
        Count
      </button>
      <button
        mat-flat-button
        type="button"
        class="destructive"
        [disabled]="matched() === null || matched() === 0 || erasing.busy()"
        (click)="erase()"
        data-testid="erase-confirm"
      >
        Erase {{ matched() ?? '' }}
      </button>
    </mat-dialog-actions>
  `,
  styles: `
    .fields {
      display: flex;
      flex-wrap: wrap;
      gap: 0 12px;
    }
    .destructive {
      --mat-button-filled-container-color: var(--mat-sys-error);
      --mat-button-filled-label-text-color: var(--mat-sys-on-error);
    }
  `,
})
export class EraseDialog {
  protected readonly data = inject<EraseDialogData>(MAT_DIALOG_DATA);
  private readonly api = inject(ExecutionApi);
  private readonly dialogRef =
    inject<MatDialogRef<EraseDialog, EraseExecutionsResult>>(MatDialogRef);

  protected readonly triggerId = signal(this.data.triggerId);
  protected readonly idempotencyKey = signal(this.data.idempotencyKey ?? '');
  protected readonly range = signal(this.data.range);
  /** The dry run's count for exactly the filter shown; null until counted or after a change. */
  protected readonly matched = signal<number | null>(null);
  protected readonly erasing = mutation({
    request: (request: EraseExecutionsRequest) => this.api.erase(request),
    onSuccess: (result, request) => {
      if (request.dryRun === true) {
        this.matched.set(result.matched);
      } else {
        this.dialogRef.close(result);
      }
    },
  });
  protected readonly failure = computed(() => {
    const error = this.erasing.error();
    return error === null ? null : errorMessage(error);
  });
  protected readonly hasFilter = computed(
    () => this.triggerId() !== null || this.idempotencyKey().trim() !== '',
  );

  protected change(apply: () => void): void {
    apply();
    this.matched.set(null);
  }

  protected count(): void {
    this.send(true);
  }

  protected erase(): void {
    this.send(false);
  }

  private send(dryRun: boolean): void {
    const key = this.idempotencyKey().trim();
    const request: EraseExecutionsRequest = { dryRun };
    if (this.triggerId() !== null) {
      request.triggerId = this.triggerId()!;
    }
    if (key !== '') {
      request.idempotencyKey = key;
    }
    const { from, to } = this.range();
    if (from !== null) {
      request.from = from;
    }
    if (to !== null) {
      request.to = to;
    }
    this.erasing.run(request);
  }
}
