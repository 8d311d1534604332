import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Router } from '@angular/router';
import { errorMessage, isApiError } from './api-error';
import { MeApi } from './me-api';
import { mutation } from './mutation';
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
  private readonly meApi = inject(MeApi);
  private readonly router = inject(Router);

  /** Query parameters, bound by the router. */
  readonly returnUrl = input<string>();
  readonly expired = input<string>();

  protected readonly form = new FormGroup({
    token: new FormControl('', { nonNullable: true, validators: [Validators.required] }),
  });
  protected readonly signingIn = mutation({
    // GET /api/me proves the token and tells its role; the token is kept only once it has.
    request: (token: string) => this.meApi.get(token),
    onSuccess: (caller, token) => {
      this.session.signIn(token, caller);
      const target = this.returnUrl();
      void this.router.navigateByUrl(target?.startsWith('/') ? target : '/triggers');
    },
  });
  protected readonly failure = computed(() => {
    const error = this.signingIn.error();
    if (error === null) {
      return null;
    }
    return isApiError(error) && error.status === 401
      ? 'This token was refused: it is unknown or revoked. Check ADMIN_TOKEN (printed at start when unset) or ask an admin for an API token.'
      : `Could not sign in: ${errorMessage(error)}`;
  });

  protected signIn(): void {
    const token = this.form.controls.token.value.trim();
    if (token === '') {
      this.form.markAllAsTouched();
      return;
    }
    this.signingIn.run(token);
  }
}
