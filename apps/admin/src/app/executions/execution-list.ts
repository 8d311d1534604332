import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import { Router, RouterLink } from '@angular/router';
import { EXECUTION_STATUSES } from '@triggerline/contracts';
import { Icon } from '../core/icon';
import { CursorPages, Pager } from '../core/pager';
import { TriggerApi } from '../triggers/trigger-api';
import { TriggerSelect } from '../triggers/trigger-select';
import { ExecutionApi } from './execution-api';
import { refreshWhileInFlight } from './execution-status';

const PAGE_SIZE = 25;

@Component({
  selector: 'tl-execution-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    DatePipe,
    RouterLink,
    MatButtonModule,
    MatFormFieldModule,
    MatSelectModule,
    MatProgressBarModule,
    MatTableModule,
    Icon,
    Pager,
    TriggerSelect,
  ],
  templateUrl: './execution-list.html',
  styleUrl: './execution-list.css',
})
export class ExecutionList {
  private readonly api = inject(ExecutionApi);
  private readonly router = inject(Router);
  private readonly triggerApi = inject(TriggerApi);

  /** Query parameters, bound by the router, so filtered lists can be linked to. */
  readonly triggerId = input<string>();
  readonly status = input<string>();

  protected readonly statuses = EXECUTION_STATUSES;
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
  protected readonly pages = new CursorPages(() => [this.triggerId(), this.selectedStatus()]);

  protected readonly page = rxResource({
    params: () => ({
      triggerId: this.triggerId() ?? null,
      status: this.selectedStatus(),
      cursor: this.pages.cursor(),
      limit: PAGE_SIZE,
    }),
    stream: ({ params }) => this.api.list(params),
  });

  constructor() {
    refreshWhileInFlight(() => (this.page.hasValue() ? this.page.value().items : []), this.page);
  }

  protected filter(change: { triggerId?: string | null; status?: string | null }): void {
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
}
