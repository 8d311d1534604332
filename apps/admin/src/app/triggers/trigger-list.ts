import { ClipboardModule } from '@angular/cdk/clipboard';
import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import { MatTooltipModule } from '@angular/material/tooltip';
import { RouterLink } from '@angular/router';
import type { Trigger, TriggerStats } from '@triggerline/contracts';
import { catchError, filter, type Observable, switchMap, throwError } from 'rxjs';
import { errorMessage, isApiError } from '../core/api-error';
import { ConfirmDialog, type ConfirmDialogData } from '../core/confirm-dialog';
import { Icon } from '../core/icon';
import { mutation } from '../core/mutation';
import { saveFile } from '../core/save-file';
import { StatsMonitor, watermarkPercent } from '../stats/stats-monitor';
import { Session } from '../core/session';
import { circuitLabel } from './flow-labels';
import { ConfigApi } from './config-api';
import { configFileName } from './config-import';
import { ConfigImportDialog } from './config-import-dialog';
import { TriggerApi } from './trigger-api';
import { webhookUrl } from './trigger-form-model';

type FlowChange = 'pause' | 'resume' | 'releaseWatermark';

const FLOW_CHANGES_DONE: Record<FlowChange, string> = {
  pause: 'paused',
  resume: 'resumed',
  releaseWatermark: 'watermark released',
};

@Component({
  selector: 'tl-trigger-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    RouterLink,
    ClipboardModule,
    MatTableModule,
    MatButtonModule,
    MatSlideToggleModule,
    MatProgressBarModule,
    MatTooltipModule,
    Icon,
  ],
  templateUrl: './trigger-list.html',
  styleUrl: './trigger-list.css',
})
export class TriggerList {
  private readonly api = inject(TriggerApi);
  private readonly dialog = inject(MatDialog);
  private readonly snackBar = inject(MatSnackBar);
  private readonly monitor = inject(StatsMonitor);
  private readonly configApi = inject(ConfigApi);

  // Pausing and releasing are for operators; editing and deleting for admins.
  protected readonly isAdmin = inject(Session).isAdmin;
  protected readonly canOperate = inject(Session).canOperate;
  protected readonly columns = computed(() => [
    'name',
    'action',
    'enabled',
    'flow',
    'volume',
    ...(this.canOperate() ? ['actions'] : []),
  ]);
  protected readonly circuitLabel = circuitLabel;
  protected readonly triggers = rxResource({ stream: () => this.api.list() });
  /** Admin only: the whole configuration as a JSON file, secrets left out by the API. */
  protected readonly exporting = mutation({
    request: () => this.configApi.export(),
    onSuccess: (document) => saveJson(document, configFileName(new Date())),
    onError: (error) => this.refused(error),
  });
  protected readonly enabling = mutation({
    request: ({ trigger, enabled }: { trigger: Trigger; enabled: boolean }) =>
      this.api.update(trigger.id, { enabled }),
    onSuccess: (updated, { enabled }) => {
      this.replaceRow(updated);
      this.snackBar.open(`${updated.slug} ${enabled ? 'enabled' : 'disabled'}`, undefined, {
        duration: 2500,
      });
    },
    onError: (error) => this.refused(error),
  });
  /** Pause, resume or release the watermark: the answer replaces the row. */
  protected readonly controlling = mutation({
    request: ({ trigger, change }: { trigger: Trigger; change: FlowChange }) =>
      this.api[change](trigger.id),
    onSuccess: (updated, { change }) => {
      this.replaceRow(updated);
      this.monitor.refresh();
      this.snackBar.open(`${updated.slug} ${FLOW_CHANGES_DONE[change]}`, undefined, {
        duration: 2500,
      });
    },
    onError: (error) => this.refused(error),
  });
  protected readonly deleting = mutation({
    request: (trigger: Trigger) =>
      this.api
        .remove(trigger.id)
        .pipe(
          catchError((error: unknown) =>
            isApiError(error) && error.code === 'trigger_has_open_work'
              ? this.confirmForcedDelete(trigger, error.message)
              : throwError(() => error),
          ),
        ),
    onSuccess: (_, trigger) => {
      this.triggers.update((list) => list?.filter((t) => t.id !== trigger.id));
      this.monitor.refresh();
      this.snackBar.open(`${trigger.slug} deleted`, undefined, { duration: 2500 });
    },
    onError: (error) => this.snackBar.open(errorMessage(error), 'Close'),
  });
  protected readonly watermarkPercent = watermarkPercent;
  protected readonly statsById = computed(
    () => new Map((this.monitor.stats()?.triggers ?? []).map((stats) => [stats.id, stats])),
  );

  /** Triggers with a trigger_rejecting alert up, and how many they refused. */
  protected readonly rejectingById = computed(
    () =>
      new Map(
        (this.monitor.stats()?.alerts ?? []).flatMap((alert) =>
          alert.code === 'trigger_rejecting' ? [[alert.triggerId, alert] as const] : [],
        ),
      ),
  );

  protected hookUrl(trigger: Trigger): string {
    return webhookUrl(location.origin, trigger.slug);
  }

  protected target(trigger: Trigger): string {
    if (trigger.action === null) {
      return `routes to ${trigger.routes.map((route) => route.trigger).join(', ')}`;
    }
    return trigger.action.type === 'http' ? trigger.action.url : trigger.action.baseUrl;
  }

  protected volume(trigger: Trigger): TriggerStats | undefined {
    return this.statsById().get(trigger.id);
  }

  protected copied(isCopied: boolean): void {
    this.snackBar.open(isCopied ? 'Webhook URL copied' : 'Copy failed', undefined, {
      duration: 2500,
    });
  }

  /** Admin only: a document's plan from a dry run, then, confirmed, the document applied. */
  protected importConfig(): void {
    this.dialog
      .open(ConfigImportDialog, { width: '720px', maxWidth: '95vw', disableClose: true })
      .afterClosed()
      .subscribe((plan) => {
        if (plan !== undefined) {
          this.triggers.reload();
        }
      });
  }

  private replaceRow(updated: Trigger): void {
    this.triggers.update((list) => list?.map((t) => (t.id === updated.id ? updated : t)));
  }

  private refused(error: unknown): void {
    this.triggers.reload();
    this.snackBar.open(errorMessage(error), 'Close');
  }

  protected confirmDelete(trigger: Trigger): void {
    const data: ConfirmDialogData = {
      title: `Delete ${trigger.slug}?`,
      message:
        'Deliveries to its webhook URL will be refused with 404. Its executions and dead letters are deleted with it.',
      confirmLabel: 'Delete',
      isDestructive: true,
    };
    this.dialog
      .open<ConfirmDialog, ConfirmDialogData, boolean>(ConfirmDialog, { data })
      .afterClosed()
      .subscribe((confirmed) => {
        if (confirmed === true) {
          this.deleting.run(trigger);
        }
      });
  }

  // The server says what is still open (unfinished executions, unresolved dead letters).
  private confirmForcedDelete(trigger: Trigger, openWork: string): Observable<void> {
    const data: ConfirmDialogData = {
      title: `${trigger.slug} still has open work`,
      message: openWork,
      confirmLabel: 'Delete anyway',
      isDestructive: true,
    };
    return this.dialog
      .open<ConfirmDialog, ConfirmDialogData, boolean>(ConfirmDialog, { data })
      .afterClosed()
      .pipe(
        filter((confirmed) => confirmed === true),
        switchMap(() => this.api.remove(trigger.id, true)),
      );
  }
}

// A download of `value` as a JSON file, made in the browser (the document is small).
function saveJson(value: unknown, fileName: string): void {
  saveFile(
    new Blob([`${JSON.stringify(value, null, 2)}\n`], { type: 'application/json' }),
    fileName,
  );
}
