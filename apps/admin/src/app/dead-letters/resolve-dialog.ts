import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { type DeadLetter, MANUAL_RESOLUTIONS, type ManualResolution } from '@triggerline/contracts';
import { errorMessage, isApiError } from '../core/api-error';
import { mutation } from '../core/mutation';
import { DeadLetterApi } from './dead-letter-api';
import { RESOLUTION_LABELS } from './resolution-labels';

@Component({
  selector: 'tl-resolve-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    ReactiveFormsModule,
    MatDialogModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    MatProgressBarModule,
  ],
  template: `
    <h2 mat-dialog-title>Resolve dead letter</h2>
    <form [formGroup]="form" (ngSubmit)="resolve()" novalidate>
      <mat-dialog-content>
        <p class="muted">
          {{ deadLetter.triggerSlug }} · {{ deadLetter.attemptCount }} attempts ·
          {{ deadLetter.lastError ?? 'no error recorded' }}
        </p>
        <mat-form-field class="full">
          <mat-label>Reason</mat-label>
          <mat-select formControlName="resolution" required data-testid="resolution-select">
            @for (resolution of resolutions; track resolution) {
              <mat-option [value]="resolution">{{ labels[resolution] }}</mat-option>
            }
          </mat-select>
          <mat-error>Choose a reason.</mat-error>
        </mat-form-field>
        <mat-form-field class="full">
          <mat-label>Note</mat-label>
          <textarea matInput formControlName="note" rows="3" maxlength="2000"></textarea>
          <mat-hint>Optional: what was done, for whoever looks next.</mat-hint>
        </mat-form-field>
        @if (failure(); as message) {
          <p class="error-text" role="alert">{{ message }}</p>
        }
        @if (resolving.busy()) {
          <mat-progress-bar mode="indeterminate" aria-label="Resolving" />
        }
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button type="button" mat-dialog-close>Cancel</button>
        <button
          mat-flat-button
          type="submit"
          [disabled]="resolving.busy()"
          data-testid="confirm-resolve"
        >
          Resolve
        </button>
      </mat-dialog-actions>
    </form>
  `,
  styles: `
    .full {
      width: 100%;
    }
  `,
})
export class ResolveDialog {
  protected readonly deadLetter = inject<DeadLetter>(MAT_DIALOG_DATA);
  private readonly dialogRef = inject<MatDialogRef<ResolveDialog, DeadLetter>>(MatDialogRef);
  private readonly api = inject(DeadLetterApi);

  protected readonly resolutions = MANUAL_RESOLUTIONS;
  protected readonly labels = RESOLUTION_LABELS;
  protected readonly resolving = mutation({
    request: (input: { resolution: ManualResolution; note: string | null }) =>
      this.api.resolve(this.deadLetter.id, input.resolution, input.note),
    onSuccess: (resolved) => this.dialogRef.close(resolved),
  });
  protected readonly failure = computed(() => {
    const error = this.resolving.error();
    if (error === null) {
      return null;
    }
    return isApiError(error) && error.status === 409 && error.code === 'already_resolved'
      ? 'This dead letter was already resolved (perhaps by a replay or a handler).'
      : `Could not resolve it: ${errorMessage(error)}`;
  });
  protected readonly form = new FormGroup({
    resolution: new FormControl<ManualResolution | null>(null, Validators.required),
    note: new FormControl('', { nonNullable: true, validators: [Validators.maxLength(2000)] }),
  });

  protected resolve(): void {
    const { resolution, note } = this.form.getRawValue();
    if (this.form.invalid || resolution === null) {
      this.form.markAllAsTouched();
      return;
    }
    this.resolving.run({ resolution, note: note.trim() || null });
  }
}
