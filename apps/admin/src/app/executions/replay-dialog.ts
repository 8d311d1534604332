import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';
import type { ReplayAccepted } from '@triggerline/contracts';
import type { Observable } from 'rxjs';
import { errorMessage } from '../core/api-error';
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

type ReplayState =
  | { step: 'preview' }
  | { step: 'sending' }
  | { step: 'done'; executionId: string }
  | { step: 'failed'; message: string };

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

  protected readonly state = signal<ReplayState>({ step: 'preview' });
  protected readonly newExecutionId = computed(() => {
    const state = this.state();
    return state.step === 'done' ? state.executionId : null;
  });
  protected readonly failure = computed(() => {
    const state = this.state();
    return state.step === 'failed' ? state.message : null;
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

  protected replay(): void {
    this.state.set({ step: 'sending' });
    const request: Observable<ReplayAccepted> =
      this.data.source === 'execution'
        ? this.executionApi.replay(this.data.id)
        : this.deadLetterApi.replay(this.data.id);
    request.subscribe({
      next: (accepted) => {
        this.state.set({ step: 'done', executionId: accepted.executionId });
        this.monitor.refresh();
      },
      error: (error: unknown) =>
        this.state.set({ step: 'failed', message: replayFailureMessage(error) }),
    });
  }

  protected close(): void {
    const state = this.state();
    this.dialogRef.close(state.step === 'done' ? { executionId: state.executionId } : undefined);
  }
}
