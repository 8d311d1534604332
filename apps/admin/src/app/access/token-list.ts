import { CdkCopyToClipboard } from '@angular/cdk/clipboard';
import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import {
  ACCESS_ROLES,
  type AccessRole,
  type ApiToken,
  type CreatedApiToken,
} from '@triggerline/contracts';
import { filter, switchMap } from 'rxjs';
import { errorMessage } from '../core/api-error';
import { ConfirmDialog, type ConfirmDialogData } from '../core/confirm-dialog';
import { Icon } from '../core/icon';
import { localInputToIso } from '../core/time-range';
import { AccessApi } from './access-api';

export const ROLE_DESCRIPTIONS: Record<AccessRole, string> = {
  viewer: 'reads everything except tokens and the audit log',
  operator: 'also replays, resolves, redrives, pauses and resumes',
  admin: 'everything: triggers, tokens, the audit log, erasure',
};

/**
 * API tokens: create one (shown once, to copy), optionally expiring; see when each was last used
 * and when it expires; revoke.
 */
@Component({
  selector: 'tl-token-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    DatePipe,
    ReactiveFormsModule,
    CdkCopyToClipboard,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
    MatTableModule,
    Icon,
  ],
  templateUrl: './token-list.html',
  styleUrl: './token-list.css',
})
export class TokenList {
  private readonly api = inject(AccessApi);
  private readonly dialog = inject(MatDialog);
  private readonly snackBar = inject(MatSnackBar);

  protected readonly roles = ACCESS_ROLES;
  protected readonly roleDescriptions = ROLE_DESCRIPTIONS;
  protected readonly columns = ['name', 'role', 'createdAt', 'lastUsedAt', 'expiresAt', 'actions'];
  protected readonly tokens = rxResource({ stream: () => this.api.listTokens() });
  protected readonly form = new FormGroup({
    name: new FormControl('', {
      nonNullable: true,
      validators: [Validators.required, Validators.maxLength(100)],
    }),
    role: new FormControl<AccessRole>('viewer', { nonNullable: true }),
    /** A `datetime-local` value; empty: the token never expires. */
    expiresAt: new FormControl('', { nonNullable: true }),
  });
  protected readonly busy = signal(false);
  protected readonly failure = signal<string | null>(null);
  /** The token just created: its value is shown here once, never again. */
  protected readonly created = signal<CreatedApiToken | null>(null);

  protected create(): void {
    if (this.form.invalid || this.busy()) {
      this.form.markAllAsTouched();
      return;
    }
    this.busy.set(true);
    this.failure.set(null);
    const { name, role, expiresAt } = this.form.getRawValue();
    const expiry = localInputToIso(expiresAt);
    const request = { name: name.trim(), role, ...(expiry === null ? {} : { expiresAt: expiry }) };
    this.api.createToken(request).subscribe({
      next: (created) => {
        this.busy.set(false);
        this.created.set(created);
        this.form.reset({ name: '', role: 'viewer', expiresAt: '' });
        this.tokens.reload();
      },
      error: (error: unknown) => {
        this.busy.set(false);
        this.failure.set(`Could not create the token: ${errorMessage(error)}`);
      },
    });
  }

  protected isExpired(token: ApiToken): boolean {
    return token.expiresAt !== null && Date.parse(token.expiresAt) <= Date.now();
  }

  protected copied(isCopied: boolean): void {
    this.snackBar.open(
      isCopied ? 'Token copied' : 'Could not copy: select it and copy',
      undefined,
      {
        duration: 3000,
      },
    );
  }

  protected revoke(token: ApiToken): void {
    const data: ConfirmDialogData = {
      title: `Revoke ${token.name}?`,
      message: 'Anything still using this token gets 401 from now on. This cannot be undone.',
      confirmLabel: 'Revoke',
      isDestructive: true,
    };
    this.dialog
      .open(ConfirmDialog, { data })
      .afterClosed()
      .pipe(
        filter((confirmed) => confirmed === true),
        switchMap(() => this.api.revokeToken(token.id)),
      )
      .subscribe({
        next: () => {
          this.snackBar.open(`${token.name} revoked`, undefined, { duration: 3000 });
          this.tokens.reload();
        },
        error: (error: unknown) =>
          this.snackBar.open(`Could not revoke: ${errorMessage(error)}`, 'Close'),
      });
  }
}
