import { ClipboardModule } from '@angular/cdk/clipboard';
import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { MatSnackBar } from '@angular/material/snack-bar';
import {
  HMAC_ALGORITHMS,
  SCHEME_DESCRIPTIONS,
  SIGNATURE_ENCODINGS,
  type TokenLocation,
  VERIFICATION_SCHEMES,
} from '@triggerline/contracts';
import { Icon } from '../core/icon';
import { senderSetup } from './sender-setup';
import {
  applyTokenShortcut,
  generateStandardWebhooksSecret,
  TOKEN_SHORTCUTS,
  type TokenShortcut,
  type VerificationFormGroup,
  type VerificationFormValue,
} from './verification-form';

const TOKEN_PLACES: readonly { value: TokenLocation; label: string; nameLabel: string }[] = [
  { value: 'header', label: 'a header', nameLabel: 'Header name' },
  { value: 'query', label: 'a query parameter', nameLabel: 'Query parameter' },
  { value: 'body', label: 'a body field', nameLabel: 'Body path' },
];

/** Messages for the verification group's own errors (its fields show theirs). */
const PROBLEMS: Record<string, string> = {
  secretRequired: 'Enter the secret the sender uses.',
  whsec:
    'A Standard Webhooks secret is whsec_ followed by base64 (at least 24 bytes): generate one.',
  basicSecret: 'A Basic secret is user:password.',
  tokenName: 'Say where the token is: a header name, a query parameter or a body path.',
  hmacHeader: 'Enter the header that carries the signature.',
  verifyTokenRequired: "Enter a Verify Token: Meta's subscription handshake needs one.",
};

/** The trigger form's Verification fieldset: scheme, secrets, options and the sender's setup. */
@Component({
  selector: 'tl-verification-fields',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    ClipboardModule,
    DatePipe,
    ReactiveFormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    Icon,
  ],
  templateUrl: './verification-fields.html',
  styleUrls: ['./form-layout.css', './verification-fields.css'],
})
export class VerificationFields {
  private readonly snackBar = inject(MatSnackBar);

  readonly group = input.required<VerificationFormGroup>();
  /** The group's current raw value, as a signal. */
  readonly value = input.required<VerificationFormValue>();
  /** The trigger's webhook URL, for the sender's setup. */
  readonly hookUrl = input.required<string>();
  readonly isAdmin = input.required<boolean>();

  protected readonly schemes = VERIFICATION_SCHEMES;
  protected readonly descriptions = SCHEME_DESCRIPTIONS;
  protected readonly algorithms = HMAC_ALGORITHMS;
  protected readonly encodings = SIGNATURE_ENCODINGS;
  protected readonly tokenPlaces = TOKEN_PLACES;
  protected readonly tokenShortcuts = TOKEN_SHORTCUTS;

  protected readonly scheme = computed(() => this.value().scheme);
  protected readonly storedSecrets = computed(() => this.value().storedSecrets);
  protected readonly tokenNameLabel = computed(
    () => TOKEN_PLACES.find((place) => place.value === this.value().in)?.nameLabel ?? 'Name',
  );
  protected readonly problems = computed(() => {
    this.value();
    const errors = this.group().errors ?? {};
    return Object.keys(errors).flatMap((code) => (PROBLEMS[code] ? [PROBLEMS[code]] : []));
  });
  protected readonly setup = computed(() =>
    senderSetup({ verification: this.value(), origin: location.origin, hookUrl: this.hookUrl() }),
  );

  protected generateSecret(): void {
    const secret = this.group().controls.secret;
    secret.setValue(generateStandardWebhooksSecret());
    secret.markAsDirty();
  }

  protected applyShortcut(shortcut: TokenShortcut): void {
    applyTokenShortcut(this.group(), shortcut);
  }

  protected copied(what: string, isCopied: boolean): void {
    this.snackBar.open(isCopied ? `${what} copied` : 'Copy failed', undefined, { duration: 2500 });
  }
}
