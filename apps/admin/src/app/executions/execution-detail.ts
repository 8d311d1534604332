import { DatePipe, JsonPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSnackBar } from '@angular/material/snack-bar';
import { RouterLink } from '@angular/router';
import { type Execution, isReplayable, type ReplayAccepted } from '@triggerline/contracts';
import { catchError, of } from 'rxjs';
import { errorMessage } from '../core/api-error';
import { Icon } from '../core/icon';
import { mutation } from '../core/mutation';
import { StatsMonitor } from '../stats/stats-monitor';
import { TriggerApi } from '../triggers/trigger-api';
import { Session } from '../core/session';
import { ExecutionApi } from './execution-api';
import { refreshWhileInFlight } from './execution-status';
import { ReplayDialog, type ReplayDialogData } from './replay-dialog';
import { heldReason } from './held-reason';
import { reconciliationNote } from './reconciliation-note';

@Component({
  selector: 'tl-execution-detail',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    DatePipe,
    JsonPipe,
    RouterLink,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    Icon,
  ],
  templateUrl: './execution-detail.html',
  styleUrl: './execution-detail.css',
})
export class ExecutionDetail {
  private readonly api = inject(ExecutionApi);
  private readonly triggerApi = inject(TriggerApi);
  private readonly dialog = inject(MatDialog);
  private readonly snackBar = inject(MatSnackBar);
  private readonly monitor = inject(StatsMonitor);

  /** Route parameter. */
  readonly id = input.required<string>();

  protected readonly heldReason = heldReason;
  protected readonly reconciliationNote = reconciliationNote;
  protected readonly execution = rxResource({
    params: () => this.id(),
    stream: ({ params: id }) => this.api.get(id),
  });
  protected readonly current = computed<Execution | null>(() =>
    this.execution.hasValue() ? this.execution.value() : null,
  );
  protected readonly trigger = rxResource({
    params: () => this.current()?.triggerId,
    stream: ({ params: triggerId }) =>
      this.triggerApi.get(triggerId).pipe(catchError(() => of(null))),
  });
  protected readonly triggerSlug = computed(() =>
    this.trigger.hasValue() ? (this.trigger.value()?.slug ?? null) : null,
  );
  private readonly session = inject(Session);
  /** Confirming an outcome is an operator's action; viewers see the explanation only. */
  protected readonly canConfirm = this.session.canOperate;
  // Replay is for operators and admins.
  protected readonly canReplay = computed(() => {
    const execution = this.current();
    return this.session.canOperate() && execution !== null && isReplayable(execution.status);
  });
  /** The operator's note on a confirmation (kept on the dead letter when not delivered). */
  protected readonly note = signal('');
  protected readonly confirming = mutation({
    request: (input: { id: string; delivered: boolean; note: string }) =>
      this.api.confirm(
        input.id,
        input.note === ''
          ? { delivered: input.delivered }
          : { delivered: input.delivered, note: input.note },
      ),
    onSuccess: (confirmed, { delivered }) => {
      this.note.set('');
      this.execution.set(confirmed);
      this.monitor.refresh();
      this.snackBar.open(
        delivered ? 'Marked delivered' : 'Marked not delivered: a dead letter was created',
        undefined,
        { duration: 3000 },
      );
    },
    onError: (error) => {
      this.execution.reload();
      this.snackBar.open(errorMessage(error), 'Close');
    },
  });
  protected readonly attempts = computed(() =>
    [...(this.current()?.attempts ?? [])].sort((a, b) => a.number - b.number),
  );
  protected readonly hasHeaders = computed(
    () => Object.keys(this.current()?.headers ?? {}).length > 0,
  );

  constructor() {
    refreshWhileInFlight(() => {
      const execution = this.current();
      return execution === null ? [] : [execution];
    }, this.execution);
  }

  protected replay(): void {
    const execution = this.current();
    if (execution === null) {
      return;
    }
    const data: ReplayDialogData = {
      source: 'execution',
      id: execution.id,
      executionId: execution.id,
      originalTime: execution.createdAt,
    };
    this.dialog
      .open<ReplayDialog, ReplayDialogData, ReplayAccepted>(ReplayDialog, {
        data,
        width: '640px',
        maxWidth: '95vw',
      })
      .afterClosed()
      .subscribe(() => this.execution.reload());
  }

  /** What the operator found out downstream about an outcome_unknown execution. */
  protected confirm(delivered: boolean): void {
    const execution = this.current();
    if (execution === null) {
      return;
    }
    this.confirming.run({ id: execution.id, delivered, note: this.note().trim() });
  }

  protected headerEntries(execution: Execution): [string, string][] {
    return Object.entries(execution.headers ?? {});
  }
}
