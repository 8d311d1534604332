import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import { Router } from '@angular/router';
import { Icon } from '../core/icon';
import { CursorPages, Pager } from '../core/pager';
import { type TimeRange, TimeRangeFields } from '../core/time-range';
import { AccessApi } from './access-api';

const PAGE_SIZE = 50;

interface AuditFilters {
  actor?: string | null;
  action?: string | null;
  from?: string | null;
  to?: string | null;
}

/** Every mutating API call of a valid token, allowed or refused, newest first, filtered. */
@Component({
  selector: 'tl-audit-log',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    DatePipe,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatTableModule,
    Icon,
    Pager,
    TimeRangeFields,
  ],
  templateUrl: './audit-log.html',
})
export class AuditLog {
  private readonly api = inject(AccessApi);
  private readonly router = inject(Router);

  /** Query parameters, bound by the router, so filtered views can be linked to. */
  readonly actor = input<string>();
  readonly action = input<string>();
  readonly from = input<string>();
  readonly to = input<string>();

  protected readonly columns = ['at', 'actor', 'action', 'targetId', 'status', 'details'];
  /** Exact-match text filters, applied on Enter or when the field is left. */
  protected readonly textFilters = [
    { name: 'actor', label: 'Who', placeholder: 'exact token name', value: this.actor },
    { name: 'action', label: 'Action', placeholder: 'e.g. trigger.update', value: this.action },
  ] as const;
  protected readonly range = computed<TimeRange>(() => ({
    from: this.from() || null,
    to: this.to() || null,
  }));
  protected readonly hasFilters = computed(
    () => !!this.actor() || !!this.action() || !!this.from() || !!this.to(),
  );
  protected readonly pages = new CursorPages(() => [
    this.actor(),
    this.action(),
    this.from(),
    this.to(),
  ]);
  protected readonly page = rxResource({
    params: () => ({
      actor: this.actor() || undefined,
      action: this.action() || undefined,
      from: this.from() || undefined,
      to: this.to() || undefined,
      cursor: this.pages.cursor() ?? undefined,
      limit: PAGE_SIZE,
    }),
    stream: ({ params }) => this.api.audit(params),
  });

  protected filter(change: AuditFilters): void {
    void this.router.navigate([], {
      queryParams: change,
      queryParamsHandling: 'merge',
      replaceUrl: true,
    });
  }

  protected filterText(name: 'actor' | 'action', value: string): void {
    const exact = value.trim();
    this.filter({ [name]: exact === '' ? null : exact });
  }
}
