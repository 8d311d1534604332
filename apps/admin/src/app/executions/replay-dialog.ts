import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';
import type { ReplayAccepted } from '@triggerline/contracts';
import { errorMessage } from '../core/api-error';
import { mutation } from '../core/mutation';
import { DeadLetterApi } from '../dead-letters/dead-letter-api';
import { StatsMonitor } from '../stats/stats-monitor';
import { ExecutionApi } from './execution-api';
import { replayFailureMessage } from './replay-failure';

export interface ReplayDialogData {
  /** Replays an execution, or a dead letter (which also resolves it as `replayed`). */
  source: 'execution' | 'dead-letter';
  /** The execution id or the dead-letter id, after `source`. */
  id: string;
  /** The execution a replay would repeat, for the server's preview. */
  executionId: string;
  /** When the original delivery arrived. */
  originalTime: string;
}

@Component({
  selector: 'tl-replay-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, RouterLink, MatDialogModule, MatButtonModule, MatProgressBarModule],
  templateUrl: './replay-dialog.html',
  styleUrl: './replay-dialog.css',
})
export class ReplayDialog {
  protected readonly data = inject<ReplayDialogData>(MAT_DIALOG_DATA);
  private readonly dialogRef = inject<MatDialogRef<ReplayDialog, ReplayAccepted>>(MatDialogRef);
  private readonly executionApi = inject(ExecutionApi);
  private readonly deadLetterApi = inject(DeadLetterApi);
  private readonly monitor = inject(StatsMonitor);

  protected readonly replaying = mutation({
    request: () =>
      this.data.source === 'execution'
        ? this.executionApi.replay(this.data.id)
        : this.deadLetterApi.replay(this.data.id),
    onSuccess: (accepted) => {
      this.newExecutionId.set(accepted.executionId);
      this.monitor.refresh();
    },
  });
  protected readonly newExecutionId = signal<string | null>(null);
  protected readonly failure = computed(() => {
    const error = this.replaying.error();
    return error === null ? null : replayFailureMessage(error);
  });
  /** What the worker would send, from the server: never recomputed here. */
  protected readonly preview = rxResource({
    stream: () => this.executionApi.replayPreview(this.data.executionId),
  });
  protected readonly previewHeaders = computed(() =>
    this.preview.hasValue() ? Object.entries(this.preview.value().headers) : [],
  );
  protected readonly previewBody = computed(() =>
    this.preview.hasValue() ? JSON.stringify(this.preview.value().body, null, 2) : '',
  );
  protected readonly previewError = computed(() => {
    const error = this.preview.error();
    return error === undefined ? null : errorMessage(error);
  });

  protected close(): void {
    const executionId = this.newExecutionId();
    this.dialogRef.close(executionId === null ? undefined : { executionId });
  }
}
