import type { Routes } from '@angular/router';
import { roleGuard } from './core/role.guard';
import { signedInGuard } from './core/signed-in.guard';

export const routes: Routes = [
  {
    path: 'login',
    title: 'Sign in · Triggerline',
    loadComponent: () => import('./core/login').then((m) => m.Login),
  },
  {
    path: '',
    canActivateChild: [signedInGuard],
    children: [
      { path: '', pathMatch: 'full', redirectTo: 'triggers' },
      {
        path: 'triggers',
        title: 'Triggers · Triggerline',
        loadComponent: () => import('./triggers/trigger-list').then((m) => m.TriggerList),
      },
      {
        path: 'triggers/new',
        title: 'New trigger · Triggerline',
        canActivate: [roleGuard('admin')],
        loadComponent: () => import('./triggers/trigger-form').then((m) => m.TriggerForm),
      },
      {
        path: 'triggers/:id/rejections',
        title: 'Rejected deliveries · Triggerline',
        loadComponent: () => import('./rejections/rejection-list').then((m) => m.RejectionList),
      },
      {
        path: 'triggers/:id/routes',
        title: 'Routes · Triggerline',
        loadComponent: () => import('./triggers/router-page').then((m) => m.RouterPage),
      },
      {
        path: 'triggers/:id',
        title: 'Edit trigger · Triggerline',
        loadComponent: () => import('./triggers/trigger-form').then((m) => m.TriggerForm),
      },
      {
        path: 'executions',
        title: 'Executions · Triggerline',
        loadComponent: () => import('./executions/execution-list').then((m) => m.ExecutionList),
      },
      {
        path: 'executions/:id',
        title: 'Execution · Triggerline',
        loadComponent: () => import('./executions/execution-detail').then((m) => m.ExecutionDetail),
      },
      {
        path: 'dead-letters',
        title: 'Dead letters · Triggerline',
        loadComponent: () =>
          import('./dead-letters/dead-letter-list').then((m) => m.DeadLetterList),
      },
      {
        path: 'stats',
        title: 'Stats · Triggerline',
        loadComponent: () => import('./stats/stats-page').then((m) => m.StatsPage),
      },
      {
        path: 'flow-groups',
        title: 'Flow groups · Triggerline',
        loadComponent: () => import('./flow-groups/flow-group-list').then((m) => m.FlowGroupList),
      },
      {
        path: 'tokens',
        title: 'API tokens · Triggerline',
        canActivate: [roleGuard('admin')],
        loadComponent: () => import('./access/token-list').then((m) => m.TokenList),
      },
      {
        path: 'audit',
        title: 'Audit log · Triggerline',
        canActivate: [roleGuard('admin')],
        loadComponent: () => import('./access/audit-log').then((m) => m.AuditLog),
      },
      { path: '**', redirectTo: 'triggers' },
    ],
  },
];
