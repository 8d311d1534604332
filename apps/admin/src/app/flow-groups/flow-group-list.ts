import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import { type FlowGroup, WATERMARK_ACTIONS } from '@triggerline/contracts';
import { errorMessage } from '../core/api-error';
import { ConfirmDialog, type ConfirmDialogData } from '../core/confirm-dialog';
import { Icon } from '../core/icon';
import { mutation } from '../core/mutation';
import { Session } from '../core/session';
import { FlowGroupApi } from './flow-group-api';
import {
  flowGroupForm,
  groupWatermarkPercent,
  toFlowGroupFormValue,
  toPutFlowGroupRequest,
} from './flow-group-form-model';

/**
 * Flow groups (SPEC §15): limits shared by every trigger of a group, on top of their own. The
 * list with each group's triggers and watermark gauge; admins create, edit and delete.
 */
@Component({
  selector: 'tl-flow-group-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
    MatTableModule,
    Icon,
  ],
  templateUrl: './flow-group-list.html',
  styleUrl: './flow-group-list.css',
})
export class FlowGroupList {
  private readonly api = inject(FlowGroupApi);
  private readonly dialog = inject(MatDialog);
  private readonly snackBar = inject(MatSnackBar);

  protected readonly isAdmin = inject(Session).isAdmin;
  protected readonly actions = WATERMARK_ACTIONS;
  protected readonly columns = ['name', 'limits', 'triggers', 'usage', 'actions'];
  protected readonly groups = rxResource({ stream: () => this.api.list() });
  protected readonly form = flowGroupForm();
  /** The group being edited; null while the form creates one. */
  protected readonly editing = signal<string | null>(null);
  protected readonly watermarkPercent = groupWatermarkPercent;
  protected readonly errorMessage = errorMessage;

  protected readonly saving = mutation({
    request: ({ name }: { name: string }) =>
      this.api.put(name, toPutFlowGroupRequest(this.form.getRawValue())),
    onSuccess: (saved) => {
      this.snackBar.open(`Flow group ${saved.name} saved`, undefined, { duration: 3000 });
      this.cancelEdit();
      this.groups.reload();
    },
  });

  protected save(): void {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.saving.run({ name: this.form.controls.name.value.trim() });
  }

  protected edit(group: FlowGroup): void {
    this.editing.set(group.name);
    this.form.setValue(toFlowGroupFormValue(group));
    this.form.controls.name.disable();
  }

  protected cancelEdit(): void {
    this.editing.set(null);
    this.form.reset();
    this.form.controls.name.enable();
  }

  private readonly deleting = mutation({
    request: (group: FlowGroup) => this.api.remove(group.name),
    onSuccess: (_done, group) => {
      this.snackBar.open(`Flow group ${group.name} deleted`, undefined, { duration: 3000 });
      this.groups.reload();
    },
    // 409 flow_group_in_use names the triggers still in the group.
    onError: (error) => this.snackBar.open(`Could not delete: ${errorMessage(error)}`, 'Close'),
  });

  protected confirmDelete(group: FlowGroup): void {
    const data: ConfirmDialogData = {
      title: `Delete flow group ${group.name}?`,
      message: 'Its limits stop binding its triggers. Refused while a trigger is in the group.',
      confirmLabel: 'Delete',
      isDestructive: true,
    };
    this.dialog
      .open<ConfirmDialog, ConfirmDialogData, boolean>(ConfirmDialog, { data })
      .afterClosed()
      .subscribe((confirmed) => {
        if (confirmed === true) {
          this.deleting.run(group);
        }
      });
  }

  protected limitsOf(group: FlowGroup): string {
    const parts = [
      group.rateLimit === null
        ? null
        : `${group.rateLimit.limit} per ${group.rateLimit.periodMs} ms`,
      group.maxConcurrency === null ? null : `${group.maxConcurrency} at once`,
      group.dailyWatermark === null
        ? null
        : `${group.dailyWatermark} a day (${group.dailyWatermarkAction})`,
    ].filter((part) => part !== null);
    return parts.length === 0 ? 'no limits' : parts.join(' · ');
  }
}
