import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import { Icon } from '../core/icon';
import { CursorPages, Pager } from '../core/pager';
import { AccessApi } from './access-api';

const PAGE_SIZE = 50;

/** Every mutating API call, allowed or refused, newest first. */
@Component({
  selector: 'tl-audit-log',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, MatButtonModule, MatProgressBarModule, MatTableModule, Icon, Pager],
  template: `
    <section class="page">
      <header class="page-header">
        <h1>Audit log</h1>
        <button mat-stroked-button type="button" (click)="page.reload()">
          <tl-icon name="refresh" /> Refresh
        </button>
      </header>
      <p class="muted">
        Every change made through the API, allowed or refused, with who made it and the answer.
      </p>
      @if (page.isLoading()) {
        <mat-progress-bar mode="indeterminate" aria-label="Loading the audit log" />
      }
      @if (page.error(); as error) {
        <p class="error-text" role="alert">Could not load the audit log: {{ error.message }}</p>
      }
      @if (page.hasValue()) {
        <div class="table-scroll">
          <table mat-table [dataSource]="page.value().items" aria-label="Audit log">
            <ng-container matColumnDef="at">
              <th mat-header-cell *matHeaderCellDef>When</th>
              <td mat-cell *matCellDef="let entry">{{ entry.at | date: 'medium' }}</td>
            </ng-container>
            <ng-container matColumnDef="actor">
              <th mat-header-cell *matHeaderCellDef>Who</th>
              <td mat-cell *matCellDef="let entry">{{ entry.actor }}</td>
            </ng-container>
            <ng-container matColumnDef="action">
              <th mat-header-cell *matHeaderCellDef>Action</th>
              <td mat-cell *matCellDef="let entry" class="mono">{{ entry.action }}</td>
            </ng-container>
            <ng-container matColumnDef="targetId">
              <th mat-header-cell *matHeaderCellDef>Target</th>
              <td mat-cell *matCellDef="let entry" class="mono">{{ entry.targetId ?? '–' }}</td>
            </ng-container>
            <ng-container matColumnDef="status">
              <th mat-header-cell *matHeaderCellDef>Answer</th>
              <td mat-cell *matCellDef="let entry">
                <span class="status-chip" [class.status-dead_lettered]="entry.status >= 400">{{
                  entry.status
                }}</span>
              </td>
            </ng-container>
            <tr mat-header-row *matHeaderRowDef="columns"></tr>
            <tr mat-row *matRowDef="let row; columns: columns"></tr>
          </table>
        </div>
        <tl-pager [pages]="pages" [nextCursor]="page.value().nextCursor" />
      }
    </section>
  `,
})
export class AuditLog {
  private readonly api = inject(AccessApi);

  protected readonly columns = ['at', 'actor', 'action', 'targetId', 'status'];
  protected readonly pages = new CursorPages(() => null);
  protected readonly page = rxResource({
    params: () => ({ cursor: this.pages.cursor(), limit: PAGE_SIZE }),
    stream: ({ params }) => this.api.audit(params),
  });
}
