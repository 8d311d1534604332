import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import { Router, RouterLink } from '@angular/router';
import {
  EXECUTION_STATUSES,
  type EraseExecutionsResult,
  type RedriveFilter,
} from '@triggerline/contracts';
import { errorMessage } from '../core/api-error';
import { Icon } from '../core/icon';
import { mutation } from '../core/mutation';
import { saveFile } from '../core/save-file';
import { CursorPages, Pager } from '../core/pager';
import { Session } from '../core/session';
import { type TimeRange, TimeRangeFields } from '../core/time-range';
import { RedriveDialog, type RedriveDialogData } from '../dead-letters/redrive-dialog';
import { TriggerApi } from '../triggers/trigger-api';
import { TriggerSelect } from '../triggers/trigger-select';
import { EraseDialog, type EraseDialogData } from './erase-dialog';
import { ExecutionApi } from './execution-api';
import { refreshWhileInFlight } from './execution-status';

const PAGE_SIZE = 25;
import { heldReason } from './held-reason';

@Component({
  selector: 'tl-execution-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    DatePipe,
    RouterLink,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    MatProgressBarModule,
    MatTableModule,
    Icon,
    Pager,
    TimeRangeFields,
    TriggerSelect,
  ],
  templateUrl: './execution-list.html',
  styleUrl: './execution-list.css',
})
export class ExecutionList {
  private readonly api = inject(ExecutionApi);
  private readonly router = inject(Router);
  private readonly triggerApi = inject(TriggerApi);
  private readonly dialog = inject(MatDialog);
  private readonly snackBar = inject(MatSnackBar);
  /** Erasure is for admins (the API refuses it to others with 403). */
  protected readonly isAdmin = inject(Session).isAdmin;
  /** Replays from history are for operators and admins. */
  protected readonly canOperate = inject(Session).canOperate;

  /** Query parameters, bound by the router, so filtered lists can be linked to. */
  readonly triggerId = input<string>();
  readonly status = input<string>();
  readonly idempotencyKey = input<string>();
  readonly from = input<string>();
  readonly to = input<string>();

  protected readonly statuses = EXECUTION_STATUSES;
  protected readonly heldReason = heldReason;
  protected readonly columns = ['createdAt', 'trigger', 'status', 'attempts', 'key', 'lastError'];
  protected readonly triggers = rxResource({ stream: () => this.triggerApi.list() });
  protected readonly slugById = computed(
    () =>
      new Map((this.triggers.hasValue() ? this.triggers.value() : []).map((t) => [t.id, t.slug])),
  );

  protected readonly selectedStatus = computed(() => {
    const status = this.status();
    return EXECUTION_STATUSES.find((known) => known === status) ?? null;
  });
  protected readonly range = computed<TimeRange>(() => ({
    from: this.from() || null,
    to: this.to() || null,
  }));
  protected readonly hasFilters = computed(
    () =>
      !!this.triggerId() ||
      this.selectedStatus() !== null ||
      !!this.idempotencyKey() ||
      !!this.from() ||
      !!this.to(),
  );
  protected readonly pages = new CursorPages(() => [
    this.triggerId(),
    this.selectedStatus(),
    this.idempotencyKey(),
    this.from(),
    this.to(),
  ]);

  /** The filters shown, as the list and the export take them. */
  private readonly filters = computed(() => ({
    triggerId: this.triggerId() ?? null,
    status: this.selectedStatus(),
    idempotencyKey: this.idempotencyKey() || null,
    from: this.from() || null,
    to: this.to() || null,
  }));

  protected readonly page = rxResource({
    params: () => ({ ...this.filters(), cursor: this.pages.cursor(), limit: PAGE_SIZE }),
    stream: ({ params }) => this.api.list(params),
  });

  /** Every execution the filters match, with payloads, downloaded as NDJSON (SPEC §18). */
  protected readonly exporting = mutation({
    request: () => this.api.export(this.filters()),
    onSuccess: (file) =>
      saveFile(file, `triggerline-executions-${new Date().toISOString().slice(0, 10)}.ndjson`),
    onError: (error) =>
      this.snackBar.open(`Export failed: ${errorMessage(error)}`, 'Dismiss', { duration: 5000 }),
  });

  constructor() {
    refreshWhileInFlight(() => (this.page.hasValue() ? this.page.value().items : []), this.page);
  }

  protected filter(change: {
    triggerId?: string | null;
    status?: string | null;
    idempotencyKey?: string | null;
    from?: string | null;
    to?: string | null;
  }): void {
    void this.router.navigate([], {
      queryParams: change,
      queryParamsHandling: 'merge',
      replaceUrl: true,
    });
  }

  protected refresh(): void {
    this.triggers.reload();
    this.page.reload();
  }

  protected filterKey(value: string): void {
    this.filter({ idempotencyKey: value.trim() === '' ? null : value.trim() });
  }

  /** A background redrive of every execution the current filters match (SPEC §18). */
  protected replayMatching(): void {
    const triggerId = this.triggerId() ?? null;
    const status = this.selectedStatus();
    const idempotencyKey = this.idempotencyKey() || null;
    const { from, to } = this.range();
    const filter: RedriveFilter = {
      source: 'executions',
      ...(triggerId === null ? {} : { triggerId }),
      ...(status === null ? {} : { status }),
      ...(idempotencyKey === null ? {} : { idempotencyKey }),
      ...(from === null ? {} : { from }),
      ...(to === null ? {} : { to }),
    };
    const slug = triggerId === null ? null : (this.slugById().get(triggerId) ?? 'this trigger');
    const data: RedriveDialogData = {
      filter,
      scope: slug === null ? 'of every trigger' : `of ${slug}`,
      targets: this.triggers.hasValue() ? this.triggers.value() : [],
    };
    this.dialog
      .open(RedriveDialog, { data, width: '560px', disableClose: true })
      .afterClosed()
      .subscribe((redrive) => {
        if (redrive !== undefined) {
          this.page.reload();
        }
      });
  }

  /** Admin only: erasure by trigger and/or key, prefilled from the filters shown. */
  protected erase(): void {
    const data: EraseDialogData = {
      triggers: this.triggers.hasValue() ? this.triggers.value() : [],
      triggerId: this.triggerId() ?? null,
      idempotencyKey: this.idempotencyKey() ?? null,
      range: this.range(),
    };
    this.dialog
      .open<EraseDialog, EraseDialogData, EraseExecutionsResult>(EraseDialog, {
        data,
        width: '640px',
        maxWidth: '95vw',
      })
      .afterClosed()
      .subscribe((result) => {
        if (result !== undefined) {
          this.snackBar.open(`${result.erased} execution(s) erased`, undefined, { duration: 3000 });
          this.page.reload();
        }
      });
  }
}
