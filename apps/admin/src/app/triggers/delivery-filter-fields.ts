import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { type FormControl, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import type { DeliveryFilter } from '@triggerline/contracts';
import { FILTER_EXAMPLES, formatFilter, parseFilter } from './delivery-filter-form';
import { FilterTest } from './filter-test';

/** The trigger form's "Filter and redaction" fieldset (SPEC §13). */
@Component({
  selector: 'tl-delivery-filter-fields',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule, MatButtonModule, MatFormFieldModule, MatInputModule, FilterTest],
  template: `
    <fieldset data-testid="filter-fields">
      <legend>Filter and redaction</legend>
      <p class="muted hint">
        A delivery that passes verification but not the filter is answered 200 filtered and creates
        no execution. The filter is a MongoDB-style query over
        <code>body</code>, <code>headers</code> (lowercase names) and <code>query</code>.
      </p>
      <div class="grid">
        <mat-form-field class="wide">
          <mat-label>Filter (JSON)</mat-label>
          <textarea
            matInput
            [formControl]="filterControl()"
            rows="4"
            spellcheck="false"
            placeholder='{ "body.event": { "$in": ["messages.upsert", "MESSAGE"] } }'
            data-testid="filter"
          ></textarea>
          <mat-hint>Empty: every delivery is kept.</mat-hint>
          <mat-error>{{ filterProblem() }}</mat-error>
        </mat-form-field>
      </div>
      @if (isAdmin()) {
        <div class="examples">
          <span class="muted">Examples:</span>
          @for (example of examples; track example.label) {
            <button mat-button type="button" (click)="useExample(example.filter)">
              {{ example.label }}
            </button>
          }
        </div>
      }
      @if (triggerId(); as triggerId) {
        <tl-filter-test [triggerId]="triggerId" [filter]="parsed()" />
      }
      <div class="grid">
        <mat-form-field class="wide">
          <mat-label>Redact paths</mat-label>
          <textarea
            matInput
            [formControl]="redactPathsControl()"
            rows="2"
            spellcheck="false"
            [placeholder]="defaultRedactPaths().join('\\n')"
            data-testid="redact-paths"
          ></textarea>
          <mat-hint
            >Body paths removed before a delivery is stored (never shown, forwarded or replayed),
            one per line. Empty:
            {{
              defaultRedactPaths().length > 0
                ? "the scheme's default, " + defaultRedactPaths().join(', ')
                : 'none'
            }}.</mat-hint
          >
        </mat-form-field>
      </div>
    </fieldset>
  `,
  styleUrls: ['./form-layout.css'],
  styles: `
    .examples {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 4px 8px;
      margin: 4px 0 12px;
    }
  `,
})
export class DeliveryFilterFields {
  readonly filterControl = input.required<FormControl<string>>();
  readonly redactPathsControl = input.required<FormControl<string>>();
  /** The filter control's current value, as a signal. */
  readonly filterText = input.required<string>();
  readonly defaultRedactPaths = input.required<string[]>();
  /** Absent for a new trigger, which has no deliveries to test with. */
  readonly triggerId = input<string>();
  readonly isAdmin = input.required<boolean>();

  protected readonly examples = FILTER_EXAMPLES;
  protected readonly parsed = computed(() => parseFilter(this.filterText()));
  protected readonly filterProblem = computed(() => {
    const parsed = this.parsed();
    return parsed.isValid ? '' : parsed.problem;
  });

  protected useExample(filter: DeliveryFilter): void {
    const control = this.filterControl();
    control.setValue(formatFilter(filter));
    control.markAsDirty();
    control.markAsTouched();
  }
}
