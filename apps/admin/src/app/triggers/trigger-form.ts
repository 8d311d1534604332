import { generateStandardWebhooksSecret } from './verification-form';
import { RouteEditor } from './route-editor';
import { ClipboardModule } from '@angular/cdk/clipboard';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  effect,
  inject,
  input,
} from '@angular/core';
import { rxResource, takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { ReactiveFormsModule } from '@angular/forms';
import { MatAutocompleteModule } from '@angular/material/autocomplete';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { MatSnackBar } from '@angular/material/snack-bar';
import { Router, RouterLink } from '@angular/router';
import {
  ACTION_TYPES,
  type CreateTriggerRequest,
  defaultIdempotencyKeyHeaders,
  defaultIdempotencyKeyPaths,
  defaultClassificationRules,
  defaultRedactPaths,
  describeRule,
  HTTP_METHODS,
  type Trigger,
  WHATSAPP_MEDIA_TYPES,
  DEFAULT_RECONCILE_AFTER_MS,
  MAX_RECONCILE_AFTER_MS,
  MIN_RECONCILE_AFTER_MS,
  WHATSAPP_PROVIDERS,
} from '@triggerline/contracts';
import { map, of, startWith } from 'rxjs';
import { isApiError } from '../core/api-error';
import { Icon } from '../core/icon';
import { mutation } from '../core/mutation';
import { Session } from '../core/session';
import { StatsMonitor } from '../stats/stats-monitor';
import { DeliveryFilterFields } from './delivery-filter-fields';
import { RetryScheduleView } from './retry-schedule-view';
import { FlowGroupApi } from '../flow-groups/flow-group-api';
import { TriggerApi } from './trigger-api';
import { ExecutionApi, type ExecutionQuery } from '../executions/execution-api';
import {
  addSecretHeader,
  applyActionType,
  buildTriggerForm,
  credentialHeaderNames,
  curlExample,
  discardSecretHeader,
  fillTriggerForm,
  formRetrySchedule,
  previewBodyTemplate,
  readableDuration,
  setSecretHeaderRemoved,
  toTriggerBody,
  webhookUrl,
} from './trigger-form-model';
import { VerificationFields } from './verification-fields';
import { presetInput } from './verification-form';
import { whatsappPreview } from './whatsapp-form';

const LATEST_DELIVERY: ExecutionQuery = {
  triggerId: null,
  status: null,
  idempotencyKey: null,
  from: null,
  to: null,
  cursor: null,
  limit: 1,
};

@Component({
  selector: 'tl-trigger-form',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    ReactiveFormsModule,
    RouterLink,
    RouteEditor,
    ClipboardModule,
    MatAutocompleteModule,
    MatButtonModule,
    MatButtonToggleModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
    MatSlideToggleModule,
    Icon,
    DeliveryFilterFields,
    RetryScheduleView,
    VerificationFields,
  ],
  templateUrl: './trigger-form.html',
  styleUrl: './trigger-form.css',
})
export class TriggerForm {
  private readonly api = inject(TriggerApi);
  private readonly executions = inject(ExecutionApi);
  private readonly router = inject(Router);
  private readonly snackBar = inject(MatSnackBar);
  private readonly monitor = inject(StatsMonitor);

  /** Route parameter: absent on /triggers/new. */
  readonly id = input<string>();

  /** Only admins change triggers; the others see the form read-only. */
  protected readonly isAdmin = inject(Session).isAdmin;
  private readonly flowGroupApi = inject(FlowGroupApi);
  private readonly flowGroups = rxResource({ stream: () => this.flowGroupApi.list() });
  /** The flow groups the trigger may join, for the picker. */
  protected readonly flowGroupNames = computed(() =>
    this.flowGroups.hasValue() ? this.flowGroups.value().items.map((group) => group.name) : [],
  );
  protected readonly actionTypes = ACTION_TYPES;
  protected readonly methods = HTTP_METHODS;
  protected readonly form = buildTriggerForm();
  protected readonly flowControl = this.form.controls.flowControl;
  protected readonly deliveryOrder = this.form.controls.deliveryOrder;
  protected readonly duration = readableDuration;
  protected readonly isEdit = computed(() => this.id() !== undefined);
  protected readonly saving = mutation({
    request: ({ id, body }: { id: string | undefined; body: CreateTriggerRequest }) =>
      id ? this.api.update(id, body) : this.api.create(body),
    onSuccess: (saved, { id }) => {
      this.monitor.refresh();
      this.snackBar.open(`${saved.slug} saved`, undefined, { duration: 2500 });
      if (id) {
        this.trigger.set(saved);
      } else {
        void this.router.navigate(['/triggers', saved.id]);
      }
    },
    onError: (error) => {
      if (!isApiError(error)) {
        this.snackBar.open('Save failed', 'Close');
      }
    },
  });
  protected readonly saveError = computed(() => {
    const error = this.saving.error();
    return isApiError(error) ? error : null;
  });

  protected readonly trigger = rxResource({
    params: () => this.id(),
    stream: ({ params: id }) => (id ? this.api.get(id) : of(null)),
  });

  protected readonly stored = computed<Trigger | null>(() =>
    this.trigger.hasValue() ? this.trigger.value() : null,
  );
  protected readonly hasApiKey = computed(() => {
    const action = this.stored()?.action;
    return action?.type === 'whatsapp' && action.hasApiKey;
  });

  protected readonly actionType = toSignal(
    this.form.controls.actionType.valueChanges.pipe(startWith(this.form.controls.actionType.value)),
    { requireSync: true },
  );
  private readonly slug = toSignal(
    this.form.controls.slug.valueChanges.pipe(startWith(this.form.controls.slug.value)),
    { requireSync: true },
  );
  protected readonly formValue = toSignal(
    this.form.valueChanges.pipe(
      startWith(null),
      map(() => this.form.getRawValue()),
    ),
    { requireSync: true },
  );
  protected readonly templateExample = '{ "orderId": "{{data.id}}", "text": "Order {{data.id}}" }';
  protected readonly templateHint =
    '"{{path}}" alone keeps the value\'s JSON type; other strings interpolate.';
  protected readonly bodyMode = computed(() => this.formValue().http.bodyMode);
  protected readonly isSigned = computed(() => this.formValue().http.isSigned);
  // The payload of the trigger's latest delivery, to preview a body template with.
  private readonly latestDelivery = rxResource({
    params: () => this.id(),
    stream: ({ params: id }) =>
      id
        ? this.executions
            .list({ ...LATEST_DELIVERY, triggerId: id })
            .pipe(
              map((page) => (page.items.length > 0 ? { payload: page.items[0].payload } : null)),
            )
        : of(null),
  });
  protected readonly templatePreview = computed(() => {
    const latest = this.latestDelivery.hasValue() ? this.latestDelivery.value() : null;
    return latest === null
      ? null
      : previewBodyTemplate(this.formValue().http.bodyTemplate, latest.payload);
  });
  /** What the key and redaction presets depend on: the scheme and a token's place. */
  private readonly preset = computed(() => presetInput(this.formValue().verification));
  protected readonly storedSecretHeaders = this.form.controls.http.controls.storedSecretHeaders;
  protected readonly newSecretHeaders = this.form.controls.http.controls.newSecretHeaders;
  /** Names in the plain headers JSON that the API stores as secret headers instead. */
  protected readonly credentialHeaders = computed(() =>
    credentialHeaderNames(this.formValue().http.headers),
  );
  protected readonly defaultKeyHeaders = computed(() =>
    defaultIdempotencyKeyHeaders(this.preset()),
  );
  protected readonly defaultKeyPaths = computed(() => defaultIdempotencyKeyPaths(this.preset()));
  protected readonly defaultRedactPaths = computed(() => defaultRedactPaths(this.preset()));
  /** Recomputed on every edit of the form, by the same rule as the API's retry-schedule. */
  protected readonly retrySchedule = computed(() => {
    this.formValue();
    return formRetrySchedule(this.form, this.stored());
  });
  // SPEC §15: the WhatsApp provider's request for the sample payload, and its default rules.
  protected readonly providers = WHATSAPP_PROVIDERS;
  protected readonly mediaTypes = WHATSAPP_MEDIA_TYPES;
  protected readonly reconcileLimits = {
    min: MIN_RECONCILE_AFTER_MS,
    max: MAX_RECONCILE_AFTER_MS,
    default: DEFAULT_RECONCILE_AFTER_MS,
  };
  protected readonly whatsapp = computed(() => this.formValue().whatsapp);
  protected readonly whatsappPreview = computed(() => whatsappPreview(this.whatsapp()));
  protected readonly previewJson = (value: unknown) => JSON.stringify(value, null, 2);
  protected readonly defaultRules = computed(() =>
    this.actionType() === 'whatsapp'
      ? defaultClassificationRules(this.whatsapp().provider).map(describeRule)
      : [],
  );
  protected readonly hookUrl = computed(() =>
    webhookUrl(location.origin, this.slug().trim() || '<slug>'),
  );
  protected readonly copyables = computed(() => [
    {
      what: 'Webhook URL',
      buttonLabel: 'Copy URL',
      text: this.hookUrl(),
      testId: 'webhook-url',
      isBlock: false,
    },
    {
      what: 'curl example',
      buttonLabel: 'Copy curl',
      text: curlExample(this.hookUrl(), this.stored()?.verification?.scheme === 'hmac-sha256'),
      testId: 'curl-example',
      isBlock: true,
    },
  ]);

  constructor() {
    applyActionType(this.form, this.form.controls.actionType.value);
    this.form.controls.actionType.valueChanges
      .pipe(takeUntilDestroyed(inject(DestroyRef)))
      .subscribe((type) => applyActionType(this.form, type));
    effect(() => {
      if (this.trigger.hasValue()) {
        const trigger = this.trigger.value();
        if (trigger) {
          fillTriggerForm(this.form, trigger);
        }
      }
      if (!this.isAdmin()) {
        this.form.disable({ emitEvent: false });
      }
    });
  }

  protected generateSigningSecret(): void {
    const secret = this.form.controls.http.controls.signingSecret;
    secret.setValue(generateStandardWebhooksSecret());
    secret.markAsDirty();
  }

  protected addSecretHeader(): void {
    addSecretHeader(this.form);
  }

  protected discardSecretHeader(index: number): void {
    discardSecretHeader(this.form, index);
  }

  protected setSecretHeaderRemoved(index: number, isRemoved: boolean): void {
    setSecretHeaderRemoved(this.form, index, isRemoved);
  }

  protected copied(what: string, isCopied: boolean): void {
    this.snackBar.open(isCopied ? `${what} copied` : 'Copy failed', undefined, { duration: 2500 });
  }

  protected save(): void {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const id = this.id();
    this.saving.run({ id, body: toTriggerBody(this.form.getRawValue(), id ? 'edit' : 'create') });
  }
}
