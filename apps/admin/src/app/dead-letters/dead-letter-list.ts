import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatDialog } from '@angular/material/dialog';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { MatTableModule } from '@angular/material/table';
import { MatTooltipModule } from '@angular/material/tooltip';
import { RouterLink } from '@angular/router';
import type { DeadLetter } from '@triggerline/contracts';
import type { Observable } from 'rxjs';
import { Icon } from '../core/icon';
import { CursorPages, Pager } from '../core/pager';
import { ReplayDialog, type ReplayDialogData } from '../executions/replay-dialog';
import { StatsMonitor } from '../stats/stats-monitor';
import { TriggerApi } from '../triggers/trigger-api';
import { TriggerSelect } from '../triggers/trigger-select';
import { BulkReplayDialog, type BulkReplayDialogData } from './bulk-replay-dialog';
import { DeadLetterApi } from './dead-letter-api';
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
    MatProgressBarModule,
    MatSlideToggleModule,
    MatTableModule,
    MatTooltipModule,
    Icon,
    Pager,
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

  protected readonly columns = ['select', 'createdAt', 'trigger', 'error', 'state', 'actions'];
  protected readonly triggers = rxResource({ stream: () => this.triggerApi.list() });
  protected readonly triggerId = signal<string | null>(null);
  protected readonly isUnresolvedOnly = signal(false);
  protected readonly pages = new CursorPages(() => [this.triggerId(), this.isUnresolvedOnly()]);
  protected readonly page = rxResource({
    params: () => ({
      triggerId: this.triggerId(),
      unresolvedOnly: this.isUnresolvedOnly(),
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
      triggerId: deadLetter.triggerId,
      payload: deadLetter.payload,
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

  private afterClosed(closed: Observable<unknown>): void {
    closed.subscribe((result) => {
      if (result !== undefined) {
        this.reload();
      }
    });
  }
}
