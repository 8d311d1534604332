import { DatePipe, DecimalPipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  input,
  linkedSignal,
} from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import { Router, RouterLink } from '@angular/router';
import { REJECTION_REASONS, type Rejection } from '@triggerline/contracts';
import { Icon } from '../core/icon';
import { CursorPages, Pager } from '../core/pager';
import { type TimeRange, TimeRangeFields } from '../core/time-range';
import { TriggerApi } from '../triggers/trigger-api';
import { RejectionApi } from './rejection-api';
import { RejectionDetailPanel } from './rejection-detail';
import { REJECTION_REASON_LABELS, retryOutcome } from './rejection-outcome';

const PAGE_SIZE = 25;

interface RejectionFilters {
  reason?: string | null;
  from?: string | null;
  to?: string | null;
}

/** A trigger's refused deliveries (SPEC §13), newest first, with one open beside the list. */
@Component({
  selector: 'tl-rejection-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    DatePipe,
    DecimalPipe,
    RouterLink,
    MatButtonModule,
    MatFormFieldModule,
    MatProgressBarModule,
    MatSelectModule,
    MatTableModule,
    Icon,
    Pager,
    RejectionDetailPanel,
    TimeRangeFields,
  ],
  templateUrl: './rejection-list.html',
  styleUrl: './rejection-list.css',
})
export class RejectionList {
  private readonly api = inject(RejectionApi);
  private readonly triggerApi = inject(TriggerApi);
  private readonly router = inject(Router);

  /** Route parameter: the trigger. */
  readonly id = input.required<string>();
  /** Query parameters, bound by the router, so filtered views can be linked to. */
  readonly reason = input<string>();
  readonly from = input<string>();
  readonly to = input<string>();

  protected readonly reasons = REJECTION_REASONS;
  protected readonly labels = REJECTION_REASON_LABELS;
  protected readonly retryOutcome = retryOutcome;
  protected readonly columns = ['receivedAt', 'reason', 'sourceIp', 'bodyBytes', 'retry'];

  protected readonly trigger = rxResource({
    params: () => this.id(),
    stream: ({ params: id }) => this.triggerApi.get(id),
  });
  protected readonly slug = computed(() =>
    this.trigger.hasValue() ? this.trigger.value().slug : null,
  );
  protected readonly selectedReason = computed(
    () => REJECTION_REASONS.find((known) => known === this.reason()) ?? null,
  );
  protected readonly range = computed<TimeRange>(() => ({
    from: this.from() || null,
    to: this.to() || null,
  }));
  protected readonly hasFilters = computed(
    () => this.selectedReason() !== null || !!this.from() || !!this.to(),
  );
  protected readonly pages = new CursorPages(() => [
    this.id(),
    this.selectedReason(),
    this.from(),
    this.to(),
  ]);
  protected readonly page = rxResource({
    params: () => ({
      triggerId: this.id(),
      reason: this.selectedReason() ?? undefined,
      from: this.from() || undefined,
      to: this.to() || undefined,
      cursor: this.pages.cursor() ?? undefined,
      limit: PAGE_SIZE,
    }),
    stream: ({ params }) => this.api.list(params),
  });
  /** The rejection open in the detail panel; none again when another trigger is shown. */
  protected readonly selectedId = linkedSignal<string, string | null>({
    source: () => this.id(),
    computation: () => null,
  });

  protected filter(change: RejectionFilters): void {
    void this.router.navigate([], {
      queryParams: change,
      queryParamsHandling: 'merge',
      replaceUrl: true,
    });
  }

  protected reasonLabel(rejection: Rejection): string {
    return REJECTION_REASON_LABELS[rejection.reason];
  }

  protected select(rejection: Rejection): void {
    this.selectedId.set(rejection.id);
  }

  protected refresh(): void {
    this.trigger.reload();
    this.page.reload();
  }
}
