import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatSelectModule } from '@angular/material/select';
import type { Trigger } from '@triggerline/contracts';

/**
 * A trigger picked from a list: the "filter by trigger" select of the list pages (by id, `null`
 * meaning all triggers), or a route's target (by slug, no "all").
 */
@Component({
  selector: 'tl-trigger-select',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatFormFieldModule, MatSelectModule],
  template: `
    <mat-form-field>
      <mat-label>{{ label() }}</mat-label>
      <mat-select
        [value]="value()"
        (valueChange)="valueChange.emit($event)"
        [disabled]="disabled()"
        [attr.data-testid]="testId()"
      >
        @if (allLabel(); as allLabel) {
          <mat-option [value]="null">{{ allLabel }}</mat-option>
        }
        @for (trigger of triggers(); track trigger.id) {
          <mat-option [value]="valueKey() === 'slug' ? trigger.slug : trigger.id">{{
            trigger.slug
          }}</mat-option>
        }
      </mat-select>
      <ng-content />
    </mat-form-field>
  `,
})
export class TriggerSelect {
  readonly triggers = input.required<readonly Trigger[]>();
  readonly value = input.required<string | null>();
  readonly valueChange = output<string | null>();
  readonly label = input('Trigger');
  /** The option for "any trigger", valued null; null: none. */
  readonly allLabel = input<string | null>('All triggers');
  /** What the value is: the trigger's id or its slug. */
  readonly valueKey = input<'id' | 'slug'>('id');
  readonly disabled = input(false);
  readonly testId = input<string | null>(null);
}
