import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import type { ConfigDocument, ConfigPlan } from '@triggerline/contracts';
import { errorMessage, isApiError } from '../core/api-error';
import { mutation } from '../core/mutation';
import { ConfigApi } from './config-api';
import { isEmptyPlan, parseConfigDocument } from './config-import';

type ImportState =
  | { step: 'edit' }
  | { step: 'planned'; document: ConfigDocument; prune: boolean; plan: ConfigPlan }
  | { step: 'applied'; plan: ConfigPlan };

/**
 * "Import configuration": the document pasted or read from a file, its plan from a dry run, and
 * only then, on confirmation, the same document applied.
 */
@Component({
  selector: 'tl-config-import-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    FormsModule,
    MatButtonModule,
    MatCheckboxModule,
    MatDialogModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
  ],
  template: `
    <h2 mat-dialog-title>Import configuration</h2>
    <mat-dialog-content>
      @switch (state().step) {
        @case ('edit') {
          <p>
            Paste a document exported by "Export configuration" (secrets may be added in place of
            their names), or choose its file. Nothing changes before you have seen the plan.
          </p>
          <input type="file" accept="application/json,.json" (change)="readFile($event)" />
          <mat-form-field class="document">
            <mat-label>Document</mat-label>
            <textarea
              matInput
              rows="12"
              [ngModel]="text()"
              (ngModelChange)="text.set($event)"
              data-testid="config-document"
            ></textarea>
          </mat-form-field>
          <mat-checkbox [(ngModel)]="prune" data-testid="config-prune">
            Delete the triggers the document does not name
          </mat-checkbox>
        }
        @case ('planned') {
          @if (isEmpty()) {
            <p role="status" data-testid="config-plan">Nothing to change: already applied.</p>
          } @else {
            <div role="status" data-testid="config-plan">
              @if (plan()!.create.length > 0) {
                <p>Create: {{ plan()!.create.join(', ') }}</p>
              }
              @for (update of plan()!.update; track update.slug) {
                <p>Update {{ update.slug }}: {{ update.fields.join(', ') }}</p>
              }
              @if (plan()!.delete.length > 0) {
                <p class="error-text">Delete: {{ plan()!.delete.join(', ') }}</p>
              }
              @if (plan()!.flowGroups.create.length > 0) {
                <p>Create flow groups: {{ plan()!.flowGroups.create.join(', ') }}</p>
              }
              @for (update of plan()!.flowGroups.update; track update.name) {
                <p>Update flow group {{ update.name }}: {{ update.fields.join(', ') }}</p>
              }
              @if (plan()!.flowGroups.delete.length > 0) {
                <p class="error-text">
                  Delete flow groups: {{ plan()!.flowGroups.delete.join(', ') }}
                </p>
              }
            </div>
          }
        }
        @case ('applied') {
          <p role="status" data-testid="config-applied">
            Applied: {{ plan()!.create.length }} created, {{ plan()!.update.length }} updated,
            {{ plan()!.delete.length }} deleted.
          </p>
        }
      }
      @if (busy()) {
        <mat-progress-bar mode="indeterminate" aria-label="Working" />
      }
      @if (problem(); as problem) {
        <div class="error-text" role="alert" data-testid="config-problem">
          <p>{{ problem.message }}</p>
          @for (detail of problem.details; track $index) {
            <p>{{ detail }}</p>
          }
        </div>
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      @switch (state().step) {
        @case ('edit') {
          <button mat-button type="button" mat-dialog-close>Cancel</button>
          <button
            mat-flat-button
            type="button"
            (click)="preview()"
            [disabled]="busy() || text().trim() === ''"
            data-testid="config-preview"
          >
            Show the plan
          </button>
        }
        @case ('planned') {
          <button mat-button type="button" (click)="back()">Back</button>
          <button
            mat-flat-button
            type="button"
            (click)="apply()"
            [disabled]="busy() || isEmpty()"
            data-testid="config-apply"
          >
            Apply
          </button>
        }
        @default {
          <button mat-button type="button" (click)="close()" data-testid="config-close">
            Close
          </button>
        }
      }
    </mat-dialog-actions>
  `,
  styles: `
    .document {
      display: block;
      width: 100%;
      margin-top: 12px;
    }
    textarea {
      font-family: monospace;
    }
  `,
})
export class ConfigImportDialog {
  private readonly api = inject(ConfigApi);
  private readonly dialogRef = inject<MatDialogRef<ConfigImportDialog, ConfigPlan>>(MatDialogRef);

  protected readonly text = signal('');
  protected prune = false;
  protected readonly state = signal<ImportState>({ step: 'edit' });
  private readonly parseProblem = signal<string | null>(null);

  protected readonly plan = computed(() => {
    const state = this.state();
    return state.step === 'edit' ? null : state.plan;
  });
  protected readonly isEmpty = computed(() => {
    const plan = this.plan();
    return plan !== null && isEmptyPlan(plan);
  });

  private readonly planning = mutation({
    request: (input: { document: ConfigDocument; prune: boolean }) =>
      this.api.apply({ ...input, dryRun: true }),
    onSuccess: (plan, input) => this.state.set({ step: 'planned', ...input, plan }),
  });
  private readonly applying = mutation({
    request: (input: { document: ConfigDocument; prune: boolean }) => this.api.apply(input),
    onSuccess: (plan) => this.state.set({ step: 'applied', plan }),
  });

  protected readonly busy = computed(() => this.planning.busy() || this.applying.busy());
  protected readonly problem = computed(() => {
    const parse = this.parseProblem();
    if (parse !== null) {
      return { message: parse, details: [] };
    }
    const error = this.planning.error() ?? this.applying.error();
    if (error === null) {
      return null;
    }
    return {
      message: errorMessage(error),
      details: isApiError(error) ? (error.details ?? []) : [],
    };
  });

  protected readFile(event: Event): void {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (file !== undefined) {
      void file.text().then((text) => this.text.set(text));
    }
  }

  protected preview(): void {
    const parsed = parseConfigDocument(this.text());
    this.parseProblem.set(parsed.ok ? null : parsed.problem);
    if (parsed.ok) {
      this.planning.run({ document: parsed.document, prune: this.prune });
    }
  }

  protected apply(): void {
    const state = this.state();
    // The very document and prune choice the plan was made for.
    if (state.step === 'planned') {
      this.applying.run({ document: state.document, prune: state.prune });
    }
  }

  protected back(): void {
    this.state.set({ step: 'edit' });
  }

  protected close(): void {
    const plan = this.plan();
    this.dialogRef.close(plan ?? undefined);
  }
}
