import { DatePipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  input,
  linkedSignal,
  output,
} from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';
import type { RejectionRetryResult } from '@triggerline/contracts';
import { errorMessage } from '../core/api-error';
import { Icon } from '../core/icon';
import { mutation } from '../core/mutation';
import { Session } from '../core/session';
import { StatsMonitor } from '../stats/stats-monitor';
import { RejectionApi } from './rejection-api';
import { REJECTION_REASON_LABELS, type RetryOutcome, retryOutcome } from './rejection-outcome';

/** One refused delivery: what came in, and a Retry for operators. */
@Component({
  selector: 'tl-rejection-detail',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, RouterLink, MatButtonModule, MatProgressBarModule, Icon],
  templateUrl: './rejection-detail.html',
  styleUrl: './rejection-detail.css',
})
export class RejectionDetailPanel {
  private readonly api = inject(RejectionApi);
  private readonly monitor = inject(StatsMonitor);

  readonly rejectionId = input.required<string>();
  /** After a retry, with its answer, so the list can show it. */
  readonly retried = output<RejectionRetryResult>();

  protected readonly canOperate = inject(Session).canOperate;
  protected readonly labels = REJECTION_REASON_LABELS;
  protected readonly rejection = rxResource({
    params: () => this.rejectionId(),
    stream: ({ params: id }) => this.api.get(id),
  });
  protected readonly headers = computed(() =>
    this.rejection.hasValue() ? Object.entries(this.rejection.value().headers) : [],
  );
  /** The last retry recorded with the rejection. */
  protected readonly lastRetry = computed(() => {
    const result = this.rejection.hasValue() ? this.rejection.value().retryResult : null;
    return result === null ? null : retryOutcome(result);
  });
  /** What the last retry answered, told; cleared when another rejection is shown. */
  protected readonly retryAnswer = linkedSignal<string, RetryOutcome | null>({
    source: () => this.rejectionId(),
    computation: () => null,
  });
  protected readonly retry = mutation({
    request: (id: string) => this.api.retry(id),
    onSuccess: (result: RejectionRetryResult, id) => {
      if (id === this.rejectionId()) {
        this.retryAnswer.set(retryOutcome(result));
        this.rejection.reload();
      }
      this.monitor.refresh();
      this.retried.emit(result);
    },
  });
  protected readonly retryError = computed(() => {
    const error = this.retry.error();
    return error === null ? null : errorMessage(error);
  });

  protected runRetry(): void {
    this.retryAnswer.set(null);
    this.retry.run(this.rejectionId());
  }
}
