import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { rxResource, toObservable, toSignal } from '@angular/core/rxjs-interop';
import { ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MAX_ROUTES, type RouteTestResult } from '@triggerline/contracts';
import { errorMessage } from '../core/api-error';
import { mutation } from '../core/mutation';
import { buildRouteGroup, type RouteGroup, type RoutesArray, toRoutes } from './route-form';
import { TriggerApi } from './trigger-api';
import { TriggerSelect } from './trigger-select';
import { map, startWith, switchMap } from 'rxjs';

/**
 * The trigger form's routes (SPEC §14): add and remove routes, pick each one's trigger and edit
 * its filter, and see which routes the trigger's recent deliveries would have taken.
 */
@Component({
  selector: 'tl-route-editor',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    DatePipe,
    ReactiveFormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    TriggerSelect,
  ],
  template: `
    <fieldset data-testid="routes-fields">
      <legend>Routes</legend>
      <p class="muted hint">
        Other triggers that also get an execution of each delivery their filter keeps, each run with
        its own action, retries, flow control and dead letters. At most {{ max }}; a trigger
        something routes to cannot have routes itself.
      </p>
      @for (route of rows(); track route; let i = $index) {
        <div class="route" [attr.data-testid]="'route-' + i">
          <tl-trigger-select
            label="Route to"
            [allLabel]="null"
            valueKey="slug"
            [triggers]="candidates()"
            [value]="route.controls.trigger.value || null"
            (valueChange)="pick(route, $event)"
            [disabled]="!isAdmin()"
            [testId]="'route-trigger-' + i"
          />
          <mat-form-field class="filter">
            <mat-label>Filter (JSON)</mat-label>
            <textarea
              matInput
              [formControl]="route.controls.filter"
              rows="2"
              spellcheck="false"
              placeholder='{ "body.event": "messages.upsert" }'
              [attr.data-testid]="'route-filter-' + i"
            ></textarea>
            <mat-hint>Empty: every delivery.</mat-hint>
            <mat-error>{{ route.controls.filter.getError('filter') }}</mat-error>
          </mat-form-field>
          @if (isAdmin()) {
            <button
              mat-button
              type="button"
              (click)="remove(i)"
              [attr.data-testid]="'remove-route-' + i"
            >
              Remove
            </button>
          }
        </div>
      } @empty {
        <p class="muted">No routes.</p>
      }
      @if (routes().hasError('repeatedTrigger')) {
        <p class="error-text" role="alert">Each trigger can be routed to once.</p>
      }
      <div class="actions">
        @if (isAdmin()) {
          <button
            mat-stroked-button
            type="button"
            (click)="add()"
            [disabled]="routes().length >= max"
            data-testid="add-route"
          >
            Add a route
          </button>
        }
        @if (triggerId()) {
          <button
            mat-stroked-button
            type="button"
            (click)="test()"
            [disabled]="routes().length === 0 || routeTest.busy()"
            data-testid="test-routes"
          >
            Test on recent deliveries
          </button>
        }
      </div>
      @if (testError(); as message) {
        <p class="error-text" role="alert">{{ message }}</p>
      }
      @if (tested(); as tested) {
        <div data-testid="route-test-result">
          @if (tested.result.deliveries.length === 0) {
            <p class="muted">No delivery stored yet to test with.</p>
          } @else {
            <p class="hint">
              Of the {{ tested.result.deliveries.length }} latest deliveries:
              @for (summary of tested.summary; track summary.trigger) {
                <span class="status-chip" [attr.data-testid]="'route-matches-' + summary.trigger">
                  {{ summary.trigger }}: {{ summary.matched }}
                </span>
              }
            </p>
            <ul class="deliveries">
              @for (delivery of tested.result.deliveries; track delivery.executionId) {
                <li>
                  {{ delivery.createdAt | date: 'medium' }} ·
                  {{ delivery.idempotencyKey ?? 'no key' }} →
                  {{
                    delivery.matchedRoutes.length === 0
                      ? 'no route'
                      : delivery.matchedRoutes.join(', ')
                  }}
                </li>
              }
            </ul>
          }
        </div>
      }
    </fieldset>
  `,
  styleUrls: ['./form-layout.css'],
  styles: `
    .route {
      display: flex;
      flex-wrap: wrap;
      align-items: flex-start;
      gap: 4px 12px;
      margin-top: 8px;
    }
    .filter {
      flex: 1 1 320px;
    }
    .actions {
      display: flex;
      gap: 8px;
      margin-top: 8px;
    }
    .deliveries {
      margin: 4px 0 0;
      padding-left: 20px;
      font-size: 0.85rem;
    }
    .status-chip {
      margin-left: 6px;
    }
  `,
})
export class RouteEditor {
  private readonly api = inject(TriggerApi);

  readonly routes = input.required<RoutesArray>();
  /** Absent for a new trigger, which has no deliveries to test with. */
  readonly triggerId = input<string>();
  readonly isAdmin = input.required<boolean>();

  protected readonly max = MAX_ROUTES;
  /** The rows, read again on every change: the trigger form fills them from a stored trigger. */
  protected readonly rows = toSignal(
    toObservable(this.routes).pipe(
      switchMap((routes) =>
        routes.valueChanges.pipe(
          startWith(null),
          map(() => [...routes.controls]),
        ),
      ),
    ),
    { initialValue: [] },
  );
  private readonly triggers = rxResource({ stream: () => this.api.list() });
  /** Triggers a route may name: not this one, nor one with routes of its own. */
  protected readonly candidates = computed(() =>
    (this.triggers.hasValue() ? this.triggers.value() : []).filter(
      (trigger) => trigger.id !== this.triggerId() && trigger.routes.length === 0,
    ),
  );
  protected readonly routeTest = mutation({
    request: (routes: ReturnType<typeof toRoutes>) =>
      this.api.routeTest(this.triggerId()!, { routes }),
    onSuccess: (result: RouteTestResult, routes) =>
      this.tested.set({
        result,
        summary: routes.map(({ trigger }) => ({
          trigger,
          matched: result.deliveries.filter((d) => d.matchedRoutes.includes(trigger)).length,
        })),
      }),
  });
  protected readonly testError = computed(() => {
    const error = this.routeTest.error();
    return error === null ? null : errorMessage(error);
  });
  protected readonly tested = signal<{
    result: RouteTestResult;
    summary: { trigger: string; matched: number }[];
  } | null>(null);

  protected pick(route: RouteGroup, slug: string | null): void {
    route.controls.trigger.setValue(slug ?? '');
    route.markAsDirty();
  }

  protected add(): void {
    this.routes().push(buildRouteGroup());
    this.routes().markAsDirty();
  }

  protected remove(index: number): void {
    this.routes().removeAt(index);
    this.routes().markAsDirty();
  }

  /** Tries the rows that are complete, as they are now. */
  protected test(): void {
    const rows = this.routes().controls.filter((route) => route.valid);
    this.routeTest.run(toRoutes(rows.map((route) => route.getRawValue())));
  }
}
