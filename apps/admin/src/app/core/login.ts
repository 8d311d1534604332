import { ChangeDetectionStrategy, Component, inject, input, signal } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Router } from '@angular/router';
import { StatsApi } from '../stats/stats-api';
import { errorMessage, isApiError } from './api-error';
import { Session } from './session';

@Component({
  selector: 'tl-login',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatCardModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
  ],
  templateUrl: './login.html',
  styleUrl: './login.css',
})
export class Login {
  private readonly session = inject(Session);
  private readonly statsApi = inject(StatsApi);
  private readonly router = inject(Router);

  /** Query parameters, bound by the router. */
  readonly returnUrl = input<string>();
  readonly expired = input<string>();

  protected readonly form = new FormGroup({
    token: new FormControl('', { nonNullable: true, validators: [Validators.required] }),
  });
  protected readonly busy = signal(false);
  protected readonly failure = signal<string | null>(null);

  protected signIn(): void {
    const token = this.form.controls.token.value.trim();
    if (token === '' || this.busy()) {
      this.form.markAllAsTouched();
      return;
    }
    this.busy.set(true);
    this.failure.set(null);
    // Any cheap admin call proves the token; it is kept only once it has.
    this.statsApi.get(1, token).subscribe({
      next: () => {
        this.busy.set(false);
        this.session.signIn(token);
        const target = this.returnUrl();
        void this.router.navigateByUrl(target?.startsWith('/') ? target : '/triggers');
      },
      error: (error: unknown) => {
        this.busy.set(false);
        this.failure.set(
          isApiError(error) && error.status === 401
            ? 'This token was refused. Check ADMIN_TOKEN (printed at start when unset).'
            : `Could not sign in: ${errorMessage(error)}`,
        );
      },
    });
  }
}
