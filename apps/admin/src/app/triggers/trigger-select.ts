import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatSelectModule } from '@angular/material/select';
import type { Trigger } from '@triggerline/contracts';

/** The "filter by trigger" select of the list pages; `null` means all triggers. */
@Component({
  selector: 'tl-trigger-select',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatFormFieldModule, MatSelectModule],
  template: `
    <mat-form-field>
      <mat-label>Trigger</mat-label>
      <mat-select [value]="value()" (valueChange)="valueChange.emit($event)">
        <mat-option [value]="null">All triggers</mat-option>
        @for (trigger of triggers(); track trigger.id) {
          <mat-option [value]="trigger.id">{{ trigger.slug }}</mat-option>
        }
      </mat-select>
    </mat-form-field>
  `,
})
export class TriggerSelect {
  readonly triggers = input.required<readonly Trigger[]>();
  readonly value = input.required<string | null>();
  readonly valueChange = output<string | null>();
}
