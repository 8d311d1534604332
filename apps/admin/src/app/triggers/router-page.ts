import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import { RouterLink } from '@angular/router';
import { Icon } from '../core/icon';
import { TriggerApi } from './trigger-api';

/** A router's page (SPEC §14): its routes, and how each routed-to trigger is doing. */
@Component({
  selector: 'tl-router-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, RouterLink, MatButtonModule, MatProgressBarModule, MatTableModule, Icon],
  template: `
    <section class="page">
      <header class="page-header">
        <a mat-icon-button [routerLink]="['/triggers', id()]" aria-label="Back to the trigger"
          ><tl-icon name="back"
        /></a>
        <h1>Routes{{ slug() ? ' · ' + slug() : '' }}</h1>
        <button mat-stroked-button type="button" (click)="refresh()" data-testid="refresh-routes">
          <tl-icon name="refresh" /> Refresh
        </button>
      </header>
      <p class="muted">
        Each delivery this trigger accepts also goes to the triggers below whose filter keeps it;
        each runs there with that trigger's action, retries, flow control and dead letters.
        @if (health.hasValue()) {
          Counts are of what this router sent each one since
          {{ health.value().since | date: 'medium' }}.
        }
      </p>
      @if (health.isLoading()) {
        <mat-progress-bar mode="indeterminate" />
      }
      @if (health.error(); as error) {
        <p class="error-text" role="alert">Could not load the routes: {{ error.message }}</p>
      }
      @if (health.hasValue()) {
        @if (health.value().routes.length === 0) {
          <p class="muted">This trigger has no routes.</p>
        } @else {
          <div class="table-scroll">
            <table mat-table [dataSource]="health.value().routes" aria-label="Routes">
              <ng-container matColumnDef="trigger">
                <th mat-header-cell *matHeaderCellDef>Routed to</th>
                <td mat-cell *matCellDef="let route">
                  <a [routerLink]="['/triggers', route.triggerId]">{{ route.trigger }}</a>
                </td>
              </ng-container>
              <ng-container matColumnDef="filter">
                <th mat-header-cell *matHeaderCellDef>Filter</th>
                <td mat-cell *matCellDef="let route" class="mono">
                  {{ route.filter === null ? 'every delivery' : stringify(route.filter) }}
                </td>
              </ng-container>
              <ng-container matColumnDef="state">
                <th mat-header-cell *matHeaderCellDef>State</th>
                <td mat-cell *matCellDef="let route">
                  @if (!route.enabled) {
                    <span class="status-chip status-replayed">disabled</span>
                  }
                  @if (route.paused) {
                    <span class="status-chip status-failed_retryable">paused</span>
                  }
                  <span
                    class="status-chip"
                    [class.status-succeeded]="route.circuitState === 'closed'"
                    [class.status-dead_lettered]="route.circuitState !== 'closed'"
                    >circuit {{ route.circuitState }}</span
                  >
                </td>
              </ng-container>
              <ng-container matColumnDef="succeeded">
                <th mat-header-cell *matHeaderCellDef>Succeeded</th>
                <td mat-cell *matCellDef="let route">{{ route.succeeded }}</td>
              </ng-container>
              <ng-container matColumnDef="failed">
                <th mat-header-cell *matHeaderCellDef>Failing</th>
                <td mat-cell *matCellDef="let route">{{ route.failed }}</td>
              </ng-container>
              <ng-container matColumnDef="deadLettered">
                <th mat-header-cell *matHeaderCellDef>Dead-lettered</th>
                <td mat-cell *matCellDef="let route">{{ route.deadLettered }}</td>
              </ng-container>
              <tr mat-header-row *matHeaderRowDef="columns"></tr>
              <tr
                mat-row
                *matRowDef="let route; columns: columns"
                [attr.data-testid]="'route-health-' + route.trigger"
              ></tr>
            </table>
          </div>
        }
      }
    </section>
  `,
})
export class RouterPage {
  private readonly api = inject(TriggerApi);

  /** Route parameter: the router. */
  readonly id = input.required<string>();

  protected readonly columns = [
    'trigger',
    'filter',
    'state',
    'succeeded',
    'failed',
    'deadLettered',
  ];
  private readonly trigger = rxResource({
    params: () => this.id(),
    stream: ({ params: id }) => this.api.get(id),
  });
  protected readonly slug = computed(() =>
    this.trigger.hasValue() ? this.trigger.value().slug : null,
  );
  protected readonly health = rxResource({
    params: () => this.id(),
    stream: ({ params: id }) => this.api.routeHealth(id),
  });

  protected readonly stringify = (value: unknown) => JSON.stringify(value);

  protected refresh(): void {
    this.health.reload();
  }
}
