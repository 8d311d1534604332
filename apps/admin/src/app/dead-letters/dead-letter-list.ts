import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { MatTableModule } from '@angular/material/table';
import { MatTooltipModule } from '@angular/material/tooltip';
import { RouterLink } from '@angular/router';
import {
  type DeadLetter,
  ERROR_CATEGORIES,
  type ErrorCategory,
  type RedriveFilter,
} from '@triggerline/contracts';
import type { Observable } from 'rxjs';
import { Icon } from '../core/icon';
import { CursorPages, Pager } from '../core/pager';
import { type TimeRange, TimeRangeFields } from '../core/time-range';
import { ReplayDialog, type ReplayDialogData } from '../executions/replay-dialog';
import { StatsMonitor } from '../stats/stats-monitor';
import { TriggerApi } from '../triggers/trigger-api';
import { TriggerSelect } from '../triggers/trigger-select';
import { Session } from '../core/session';
import { BulkReplayDialog, type BulkReplayDialogData } from './bulk-replay-dialog';
import { DeadLetterApi } from './dead-letter-api';
import { RedriveDialog, type RedriveDialogData } from './redrive-dialog';
import { RedriveList } from './redrive-list';
import { ResolveDialog } from './resolve-dialog';
import { RESOLUTION_LABELS } from './resolution-labels';

const PAGE_SIZE = 25;

@Component({
  selector: 'tl-dead-letter-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    DatePipe,
    RouterLink,
    MatButtonModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatProgressBarModule,
    MatSelectModule,
    MatSlideToggleModule,
    MatTableModule,
    MatTooltipModule,
    Icon,
    Pager,
    RedriveList,
    TimeRangeFields,
    TriggerSelect,
  ],
  templateUrl: './dead-letter-list.html',
  styleUrl: './dead-letter-list.css',
})
export class DeadLetterList {
  private readonly api = inject(DeadLetterApi);
  private readonly dialog = inject(MatDialog);
  private readonly monitor = inject(StatsMonitor);
  private readonly triggerApi = inject(TriggerApi);

  // Replaying and resolving is for operators and admins; viewers see the queue only.
  protected readonly canOperate = inject(Session).canOperate;
  protected readonly columns = computed(() =>
    this.canOperate()
      ? ['select', 'createdAt', 'trigger', 'error', 'state', 'actions']
      : ['createdAt', 'trigger', 'error', 'state'],
  );
  protected readonly triggers = rxResource({ stream: () => this.triggerApi.list() });
  protected readonly triggerId = signal<string | null>(null);
  protected readonly isUnresolvedOnly = signal(false);
  protected readonly categories = ERROR_CATEGORIES;
  protected readonly errorCategory = signal<ErrorCategory | null>(null);
  protected readonly range = signal<TimeRange>({ from: null, to: null });
  protected readonly hasFilters = computed(
    () =>
      this.isUnresolvedOnly() ||
      this.triggerId() !== null ||
      this.errorCategory() !== null ||
      this.range().from !== null ||
      this.range().to !== null,
  );
  protected readonly pages = new CursorPages(() => [
    this.triggerId(),
    this.isUnresolvedOnly(),
    this.errorCategory(),
    this.range(),
  ]);
  protected readonly page = rxResource({
    params: () => ({
      triggerId: this.triggerId(),
      unresolvedOnly: this.isUnresolvedOnly(),
      errorCategory: this.errorCategory(),
      ...this.range(),
      cursor: this.pages.cursor(),
      limit: PAGE_SIZE,
    }),
    stream: ({ params }) => this.api.list(params),
  });
  protected readonly items = computed(() => (this.page.hasValue() ? this.page.value().items : []));
  protected readonly selectable = computed(() =>
    this.items().filter((deadLetter) => deadLetter.resolvedAt === null),
  );
  protected readonly selected = signal<ReadonlySet<string>>(new Set());
  protected readonly isAllSelected = computed(
    () =>
      this.selectable().length > 0 &&
      this.selectable().every((deadLetter) => this.selected().has(deadLetter.id)),
  );

  /** Bumped when a redrive starts, so the recent list shows it. */
  protected readonly redriveRevision = signal(0);

  protected resolutionLabel(deadLetter: DeadLetter): string {
    return deadLetter.resolution === null ? 'unresolved' : RESOLUTION_LABELS[deadLetter.resolution];
  }

  protected toggle(id: string, isChecked: boolean): void {
    this.selected.update((ids) => {
      const next = new Set(ids);
      if (isChecked) {
        next.add(id);
      } else {
        next.delete(id);
      }
      return next;
    });
  }

  protected toggleAll(isChecked: boolean): void {
    this.selected.set(
      new Set(isChecked ? this.selectable().map((deadLetter) => deadLetter.id) : []),
    );
  }

  protected reload(): void {
    this.selected.set(new Set());
    this.page.reload();
    this.monitor.refresh();
  }

  protected replay(deadLetter: DeadLetter): void {
    const data: ReplayDialogData = {
      source: 'dead-letter',
      id: deadLetter.id,
      executionId: deadLetter.executionId,
      originalTime: deadLetter.firstAttemptAt ?? deadLetter.createdAt,
    };
    this.afterClosed(this.dialog.open(ReplayDialog, { data, width: '640px' }).afterClosed());
  }

  protected resolve(deadLetter: DeadLetter): void {
    this.afterClosed(
      this.dialog.open(ResolveDialog, { data: deadLetter, width: '520px' }).afterClosed(),
    );
  }

  protected bulkReplay(): void {
    const data: BulkReplayDialogData = { ids: [...this.selected()] };
    this.afterClosed(
      this.dialog
        .open(BulkReplayDialog, { data, width: '520px', disableClose: true })
        .afterClosed(),
    );
  }

  /** A background redrive of every unresolved dead letter the current filters match. */
  protected replayAllMatching(): void {
    const triggerId = this.triggerId();
    const slug = this.triggers.hasValue()
      ? this.triggers.value().find((trigger) => trigger.id === triggerId)?.slug
      : undefined;
    const { from, to } = this.range();
    const errorCategory = this.errorCategory();
    const filter: RedriveFilter = {
      ...(triggerId === null ? {} : { triggerId }),
      ...(errorCategory === null ? {} : { errorCategory }),
      ...(from === null ? {} : { from }),
      ...(to === null ? {} : { to }),
    };
    const data: RedriveDialogData = {
      filter,
      scope: triggerId === null ? 'of every trigger' : `of ${slug ?? 'this trigger'}`,
    };
    this.dialog
      .open(RedriveDialog, { data, width: '560px', disableClose: true })
      .afterClosed()
      .subscribe((redrive) => {
        this.redriveRevision.update((n) => n + 1);
        if (redrive !== undefined) {
          this.reload();
        }
      });
  }

  private afterClosed(closed: Observable<unknown>): void {
    closed.subscribe((result) => {
      if (result !== undefined) {
        this.reload();
      }
    });
  }
}
