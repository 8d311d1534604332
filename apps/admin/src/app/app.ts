import { BreakpointObserver } from '@angular/cdk/layout';
import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { MatBadgeModule } from '@angular/material/badge';
import { MatButtonModule } from '@angular/material/button';
import { MatListModule } from '@angular/material/list';
import { type MatSidenav, MatSidenavModule } from '@angular/material/sidenav';
import { MatToolbarModule } from '@angular/material/toolbar';
import { Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { map } from 'rxjs';
import { Icon } from './core/icon';
import { Session } from './core/session';
import { StatsMonitor } from './stats/stats-monitor';

@Component({
  selector: 'tl-root',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    RouterOutlet,
    RouterLink,
    RouterLinkActive,
    MatToolbarModule,
    MatSidenavModule,
    MatListModule,
    MatButtonModule,
    MatBadgeModule,
    Icon,
  ],
  templateUrl: './app.html',
  styleUrl: './app.css',
})
export class App {
  private readonly session = inject(Session);
  private readonly router = inject(Router);
  protected readonly monitor = inject(StatsMonitor);

  protected readonly isSignedIn = this.session.isSignedIn;
  protected readonly isHandset = toSignal(
    inject(BreakpointObserver)
      .observe('(max-width: 840px)')
      .pipe(map((state) => state.matches)),
    { initialValue: false },
  );
  protected readonly dlqLabel = computed(() => {
    const size = this.monitor.dlqSize();
    return size === 1 ? '1 unresolved dead letter' : `${size} unresolved dead letters`;
  });

  protected readonly caller = this.session.caller;
  protected readonly links = computed(() => [
    { path: '/triggers', label: 'Triggers' },
    { path: '/executions', label: 'Executions' },
    { path: '/dead-letters', label: 'Dead letters' },
    { path: '/stats', label: 'Stats' },
    { path: '/flow-groups', label: 'Flow groups' },
    ...(this.session.isAdmin()
      ? [
          { path: '/tokens', label: 'API tokens' },
          { path: '/audit', label: 'Audit log' },
        ]
      : []),
  ]);

  protected closeOnHandset(sidenav: MatSidenav): void {
    if (this.isHandset()) {
      void sidenav.close();
    }
  }

  protected signOut(): void {
    this.session.signOut();
    void this.router.navigate(['/login']);
  }
}
