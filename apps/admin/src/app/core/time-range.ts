import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';

/** A time range on `createdAt` as the API takes it: ISO-8601, `to` exclusive; null = open. */
export interface TimeRange {
  from: string | null;
  to: string | null;
}

/** `<input type="datetime-local">` value (the browser's local time) → ISO-8601, or null. */
export function localInputToIso(value: string): string | null {
  if (value.trim() === '') {
    return null;
  }
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** ISO-8601 → the `datetime-local` value showing the same instant in local time. */
export function isoToLocalInput(iso: string | null | undefined): string {
  if (!iso) {
    return '';
  }
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    return '';
  }
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

/** "From" and "to" fields of the list pages, on the time each row was created. */
@Component({
  selector: 'tl-time-range',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatFormFieldModule, MatInputModule],
  template: `
    <mat-form-field>
      <mat-label>{{ fromLabel() }}</mat-label>
      <input
        matInput
        type="datetime-local"
        [value]="fromValue()"
        (change)="emit('from', $any($event.target).value)"
        data-testid="filter-from"
      />
    </mat-form-field>
    <mat-form-field>
      <mat-label>Before</mat-label>
      <input
        matInput
        type="datetime-local"
        [value]="toValue()"
        (change)="emit('to', $any($event.target).value)"
        data-testid="filter-to"
      />
    </mat-form-field>
  `,
  styles: `
    :host {
      display: contents;
    }
  `,
})
export class TimeRangeFields {
  readonly range = input.required<TimeRange>();
  readonly fromLabel = input('Received from');
  readonly rangeChange = output<TimeRange>();

  protected readonly fromValue = computed(() => isoToLocalInput(this.range().from));
  protected readonly toValue = computed(() => isoToLocalInput(this.range().to));

  protected emit(bound: keyof TimeRange, value: string): void {
    this.rangeChange.emit({ ...this.range(), [bound]: localInputToIso(value) });
  }
}
