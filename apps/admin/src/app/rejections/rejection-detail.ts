import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, input, output } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';
import type { RejectionRetryResult } from '@triggerline/contracts';
import { Icon } from '../core/icon';
import { mutation } from '../core/mutation';
import { Session } from '../core/session';
import { StatsMonitor } from '../stats/stats-monitor';
import { RejectionApi } from './rejection-api';
import { REJECTION_REASON_LABELS, retryOutcome } from './rejection-outcome';

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
  protected readonly retry = mutation((id: string) => this.api.retry(id));
  protected readonly retryAnswer = computed(() => {
    const result = this.retry.result();
    return result === null ? null : retryOutcome(result);
  });

  protected runRetry(): void {
    this.retry.run(this.rejectionId(), (result) => {
      this.rejection.reload();
      this.monitor.refresh();
      this.retried.emit(result);
    });
  }
}
