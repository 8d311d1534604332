import { ChangeDetectionStrategy, Component, computed, input, linkedSignal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';

/**
 * Cursor pagination state: the cursors of the pages walked so far, the current one last.
 * It starts again at the first page whenever `filters()` changes.
 */
export class CursorPages {
  private readonly cursors;
  readonly cursor = computed(() => this.cursors().at(-1) ?? null);
  readonly pageNumber = computed(() => this.cursors().length);

  constructor(filters: () => unknown) {
    this.cursors = linkedSignal<unknown, (string | null)[]>({
      source: filters,
      computation: () => [null],
    });
  }

  next(cursor: string | null): void {
    if (cursor !== null) {
      this.cursors.update((cursors) => [...cursors, cursor]);
    }
  }

  previous(): void {
    this.cursors.update((cursors) => (cursors.length > 1 ? cursors.slice(0, -1) : cursors));
  }
}

/** Previous / next buttons over `pages`; `nextCursor` is the current page's. */
@Component({
  selector: 'tl-pager',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonModule],
  template: `
    <nav class="pager" aria-label="Pages">
      <button
        type="button"
        mat-button
        (click)="pages().previous()"
        [disabled]="pages().pageNumber() === 1"
      >
        Previous
      </button>
      <span class="muted">Page {{ pages().pageNumber() }}</span>
      <button
        type="button"
        mat-button
        (click)="pages().next(nextCursor())"
        [disabled]="nextCursor() === null"
      >
        Next
      </button>
    </nav>
  `,
  styles: `
    .pager {
      display: flex;
      align-items: center;
      justify-content: flex-end;
      gap: 8px;
      margin-top: 8px;
    }
  `,
})
export class Pager {
  readonly pages = input.required<CursorPages>();
  readonly nextCursor = input.required<string | null>();
}
