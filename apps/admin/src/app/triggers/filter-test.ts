import { DatePipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  input,
  linkedSignal,
  signal,
} from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatSelectModule } from '@angular/material/select';
import type { DeliveryFilter, FilterTestRequest, FilterTestResult } from '@triggerline/contracts';
import { errorMessage } from '../core/api-error';
import { mutation } from '../core/mutation';
import { ExecutionApi } from '../executions/execution-api';
import type { ParsedFilter } from './delivery-filter-form';
import { TriggerApi } from './trigger-api';

const RECENT_DELIVERIES = 10;

/** "Test against a recent delivery": runs the filter being edited on a stored execution. */
@Component({
  selector: 'tl-filter-test',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, MatButtonModule, MatFormFieldModule, MatSelectModule],
  template: `
    <div class="filter-test" data-testid="filter-test">
      <mat-form-field subscriptSizing="dynamic" class="delivery">
        <mat-label>Test against a recent delivery</mat-label>
        <mat-select
          [value]="executionId()"
          (valueChange)="executionId.set($event)"
          [disabled]="deliveries().length === 0"
          data-testid="filter-test-delivery"
        >
          @for (execution of deliveries(); track execution.id) {
            <mat-option [value]="execution.id">
              {{ execution.createdAt | date: 'medium' }} ·
              {{ execution.idempotencyKey ?? 'no key' }} · {{ execution.status }}
            </mat-option>
          }
        </mat-select>
      </mat-form-field>
      <button
        mat-stroked-button
        type="button"
        (click)="run()"
        [disabled]="testable() === null || executionId() === null || test.busy()"
        data-testid="filter-test-run"
      >
        Test
      </button>
      @if (verdict(); as verdict) {
        <span
          class="status-chip"
          [class.status-succeeded]="verdict === 'kept'"
          [class.status-failed_retryable]="verdict === 'filtered out'"
          role="status"
          data-testid="filter-test-verdict"
          >{{ verdict }}</span
        >
      }
    </div>
    @if (executions.hasValue() && deliveries().length === 0) {
      <p class="muted hint">No delivery stored yet to test with.</p>
    } @else if (filter().isValid && testable() === null) {
      <p class="muted hint">An empty filter keeps every delivery.</p>
    } @else {
      <p class="muted hint">
        Runs on the stored payload (redacted paths already removed) and headers; the query string is
        not stored.
      </p>
    }
    @if (testError(); as message) {
      <p class="error-text" role="alert">{{ message }}</p>
    }
  `,
  styles: `
    .filter-test {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px 12px;
    }
    .delivery {
      flex: 1 1 320px;
    }
    .hint {
      margin: 4px 0 8px;
      font-size: 0.8rem;
    }
  `,
})
export class FilterTest {
  private readonly triggerApi = inject(TriggerApi);
  private readonly executionApi = inject(ExecutionApi);

  readonly triggerId = input.required<string>();
  /** The filter as typed in the form. */
  readonly filter = input.required<ParsedFilter>();

  protected readonly executions = rxResource({
    params: () => this.triggerId(),
    stream: ({ params: triggerId }) =>
      this.executionApi.list({
        triggerId,
        status: null,
        idempotencyKey: null,
        from: null,
        to: null,
        cursor: null,
        limit: RECENT_DELIVERIES,
      }),
  });
  protected readonly deliveries = computed(() =>
    this.executions.hasValue() ? this.executions.value().items : [],
  );
  protected readonly executionId = linkedSignal<string | null>(
    () => this.deliveries()[0]?.id ?? null,
  );
  /** A valid, non-empty filter, which is all a test can answer about. */
  protected readonly testable = computed<DeliveryFilter | null>(() => {
    const parsed = this.filter();
    return parsed.isValid ? parsed.filter : null;
  });
  protected readonly test = mutation({
    request: (request: FilterTestRequest) => this.triggerApi.filterTest(this.triggerId(), request),
    onSuccess: (result: FilterTestResult, request) =>
      this.answer.set({ question: JSON.stringify([request.filter, request.executionId]), result }),
  });
  protected readonly testError = computed(() => {
    const error = this.test.error();
    return error === null ? null : errorMessage(error);
  });
  /** The last answer, with what it was asked. */
  private readonly answer = signal<{ question: string; result: FilterTestResult } | null>(null);
  /** What a test asks: the filter and the delivery. */
  private readonly question = computed(() => JSON.stringify([this.testable(), this.executionId()]));
  /** The answer, while it is still about the filter and delivery shown. */
  protected readonly verdict = computed(() => {
    const answer = this.answer();
    if (answer === null || answer.question !== this.question()) {
      return null;
    }
    return answer.result.matches ? 'kept' : 'filtered out';
  });

  protected run(): void {
    const filter = this.testable();
    const executionId = this.executionId();
    if (filter === null || executionId === null) {
      return;
    }
    this.test.run({ filter, executionId });
  }
}
