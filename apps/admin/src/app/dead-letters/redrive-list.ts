import { DatePipe, DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, effect, inject, input } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import type { Redrive } from '@triggerline/contracts';
import { mutation } from '../core/mutation';
import { Session } from '../core/session';
import { RedriveApi } from './redrive-api';
import { REDRIVE_POLL_MS, redrivePercent, redriveSummary } from './redrive-progress';

const RECENT = 5;

/** The most recent redrives, live while one runs, each running one cancellable. */
@Component({
  selector: 'tl-redrive-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, DecimalPipe, MatButtonModule, MatProgressBarModule],
  template: `
    @if (items().length > 0) {
      <section class="redrives" aria-labelledby="redrives-title" data-testid="recent-redrives">
        <h2 id="redrives-title">Recent redrives</h2>
        <ul>
          @for (redrive of items(); track redrive.id) {
            <li [attr.data-redrive-id]="redrive.id" data-testid="redrive-row">
              <span class="status-chip status-{{ redrive.status }}">{{ redrive.status }}</span>
              <span class="when">{{ redrive.createdAt | date: 'MMM d, HH:mm:ss' }}</span>
              <span>{{ summary(redrive) }} at {{ redrive.ratePerSecond }}/s</span>
              @if (redrive.status === 'running') {
                <mat-progress-bar
                  mode="determinate"
                  [value]="percent(redrive)"
                  [attr.aria-label]="'Progress ' + (percent(redrive) | number: '1.0-0') + ' %'"
                />
                @if (canOperate()) {
                  <button
                    mat-button
                    type="button"
                    [disabled]="cancelling.busy()"
                    (click)="cancelling.run(redrive)"
                  >
                    Cancel
                  </button>
                }
              }
            </li>
          }
        </ul>
      </section>
    }
  `,
  styles: `
    .redrives h2 {
      font: var(--mat-sys-title-small);
      margin: 16px 0 4px;
    }
    ul {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    li {
      display: flex;
      align-items: center;
      gap: 12px;
      padding: 4px 0;
    }
    mat-progress-bar {
      max-width: 200px;
    }
    .when {
      color: var(--mat-sys-on-surface-variant);
    }
  `,
})
export class RedriveList {
  private readonly api = inject(RedriveApi);
  protected readonly canOperate = inject(Session).canOperate;

  /** Changes whenever the page starts one, so the list shows it at once. */
  readonly revision = input(0);

  protected readonly recent = rxResource({
    params: () => this.revision(),
    stream: () => this.api.recent(RECENT),
  });
  protected readonly items = computed<Redrive[]>(() =>
    this.recent.hasValue() ? this.recent.value() : [],
  );
  protected readonly percent = redrivePercent;
  protected readonly summary = redriveSummary;
  protected readonly cancelling = mutation({
    request: (redrive: Redrive) => this.api.cancel(redrive.id),
    onSuccess: () => this.recent.reload(),
  });

  constructor() {
    effect((onCleanup) => {
      if (!this.items().some((redrive) => redrive.status === 'running')) {
        return;
      }
      const timer = setTimeout(() => this.recent.reload(), REDRIVE_POLL_MS * 2);
      onCleanup(() => clearTimeout(timer));
    });
  }
}
