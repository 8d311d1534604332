import { DatePipe, JsonPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';
import type { Execution, ReplayAccepted } from '@triggerline/contracts';
import { catchError, of } from 'rxjs';
import { Icon } from '../core/icon';
import { TriggerApi } from '../triggers/trigger-api';
import { ExecutionApi } from './execution-api';
import { isReplayable, refreshWhileInFlight } from './execution-status';
import { ReplayDialog, type ReplayDialogData } from './replay-dialog';

@Component({
  selector: 'tl-execution-detail',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, JsonPipe, RouterLink, MatButtonModule, MatProgressBarModule, Icon],
  templateUrl: './execution-detail.html',
  styleUrl: './execution-detail.css',
})
export class ExecutionDetail {
  private readonly api = inject(ExecutionApi);
  private readonly triggerApi = inject(TriggerApi);
  private readonly dialog = inject(MatDialog);

  /** Route parameter. */
  readonly id = input.required<string>();

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
  protected readonly canReplay = computed(() => {
    const execution = this.current();
    return execution !== null && isReplayable(execution.status);
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
      triggerId: execution.triggerId,
      payload: execution.payload,
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

  protected headerEntries(execution: Execution): [string, string][] {
    return Object.entries(execution.headers ?? {});
  }
}
